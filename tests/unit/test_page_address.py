"""The share link's page address (visualizer/ui/links.py `page_address`)."""

import pytest

from visualizer.ui.links import page_address


@pytest.mark.parametrize(
    ("here", "path", "want"),
    [
        ("http://127.0.0.1:8501", "", "http://127.0.0.1:8501/"),  # Home without a path: not 'http://'
        ("http://127.0.0.1:8501/", "Explorer", "http://127.0.0.1:8501/Explorer"),
        ("http://127.0.0.1:8501/Explorer?text=a+b&step=2", "", "http://127.0.0.1:8501/"),
        ("https://host/app/Explorer", "Gradients", "https://host/app/Gradients"),  # served under a prefix
        ("", "Explorer", ""),  # unknown (AppTest)
    ],
)
def test_page_address(here, path, want):
    assert page_address(here, path) == want
