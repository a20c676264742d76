"""The long-lags lab: tasks whose answer lies far back, the cells raced on them, the sequential limit."""
