// The one look of every chart and map (charts.js, region_map.js, catalogue_map.js): the
// Okabe–Ito palette, whose colours people with the common colour-vision deficiencies tell
// apart, declared once in portal.css (--portal-chart-1 … 8); and ECharts' aria: a description
// screen readers read out, and decal patterns so that series differ by more than their colour.
window.portalChart = (function () {
  var style = getComputedStyle(document.documentElement);
  var palette = [1, 2, 3, 4, 5, 6, 7, 8].map(function (i) {
    return style.getPropertyValue("--portal-chart-" + i).trim();
  });

  // A chart in ``element`` drawn from ``option``, described by ``description`` (else by the
  // element's own aria-label, which ECharts would otherwise replace with its generated text).
  function init(element, option, description) {
    var aria = { enabled: true, decal: { show: true } };
    var text = description || element.getAttribute("aria-label");
    if (text) {
      aria.label = { description: text };
    }
    var chart = echarts.init(element);
    chart.setOption(Object.assign({ color: palette, aria: aria }, option));
    return chart;
  }

  return { palette: palette, init: init };
})();
