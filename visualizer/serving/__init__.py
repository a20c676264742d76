"""Serving: how one server process shares its CPU among every student who trains.

scheduler.py  the pure fair-share scheduler (no processes, no Streamlit, an injectable clock)
workers.py    worker processes that advance trainers chunk by chunk, the one BLAS-thread policy,
              and a niced process for the heavy per-student maths (the proof of memory)
service.py    the training service: dispatcher threads that lease chunks from the scheduler and
              run them in the workers, while sessions read the latest trainer
"""
