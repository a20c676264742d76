"""The Streamlit views; the only package of the project that imports Streamlit.

The shell, by concern: `shell` (page set-up, site map, end of a run), `binding` (the session's Settings
and the widgets bound to them), `share` (the share & present panel), `show` (figures), `downloads`,
`compute` (cached computations pages share), `text` (escaping), `links` (links to pages, the site map), `compat` (every private framework
touchpoint), `controls` (shared widget groups). Then one module per page (explorer, gradients, …).
"""
