"""What a browser test asks of every chart on a page: its legend covers none of its titles, tick labels or notes."""

_LEGEND_OVERLAPS = """() => {
    const box = e => e && e.getBoundingClientRect();
    const hit = (a, b) => a && b && a.width && b.width && a.left < b.right && b.left < a.right
        && a.top < b.bottom && b.top < a.bottom;
    const out = [];
    for (const plot of document.querySelectorAll('.js-plotly-plot')) {
        const legend = box(plot.querySelector('.legend'));
        const texts = [...plot.querySelectorAll('.xtitle, .ytitle, .gtitle, .xtick, .annotation')].map(box);
        if (texts.some(t => hit(legend, t))) out.push(plot.querySelector('.gtitle')?.textContent || '?');
    }
    return out;
}"""


def legend_overlaps(page) -> list[str]:
    """Titles of the charts whose legend overlaps an axis title, a tick label, the chart's title or a note."""
    return page.evaluate(_LEGEND_OVERLAPS)
