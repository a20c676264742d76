"""The Streamlit views: `core` (page setup, URL, share, figures, downloads), `controls` (shared widget groups)
and one module per page. The only package of the project that imports Streamlit."""
