// Charts drawn from data embedded in the page: <div data-chart="kind" data-chart-source="id">,
// where id names a json_script element. No request of their own. The data names each axis
// with its unit, translated on the server; chart_theme.js gives the palette and aria.
(function () {
  if (!window.echarts || !window.portalChart) {
    return;
  }
  // ECharts inserts a formatter's text as HTML: every name in it is escaped.
  var escapeHTML = echarts.format.encodeHTML;

  var builders = {
    // {bands: [label], series: [{name, values}], xName, yName}: complexes per score band, per
    // category.
    histogram: function (data) {
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 10, top: 55, bottom: 45 },
        xAxis: {
          type: "category", data: data.bands, axisLabel: { interval: 0, fontSize: 10 },
          name: data.xName, nameLocation: "middle", nameGap: 28
        },
        yAxis: { type: "value", minInterval: 1, name: data.yName },
        series: data.series.map(function (s) {
          return { name: s.name, type: "bar", data: s.values };
        })
      };
    },
    // {years: [label], series: [{key, name, unit, values}]}: one measure (data-chart-series) by
    // year, its axis named with its unit (the card's heading names the measure). A year
    // without figures is null, drawn as a gap (connectNulls off), never as a 0.
    trend: function (data, element) {
      var series = data.series.filter(function (s) { return s.key === element.dataset.chartSeries; })[0];
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 50, right: 10, top: 25, bottom: 25 },
        xAxis: { type: "category", data: data.years, boundaryGap: false },
        yAxis: { type: "value", name: series.unit },
        series: [{
          name: series.name, type: "line", data: series.values,
          connectNulls: false, areaStyle: { opacity: 0.15 }
        }]
      };
    },
    // {name, unit, elements: [{name, coverage, count}]}: the ten elements' coverage (0–100, the
    // unit a per cent) as a radar.
    radar: function (data) {
      return {
        legend: { top: 0, data: [data.name + " (" + data.unit + ")"] },
        tooltip: {
          formatter: function () {
            return data.elements.map(function (e) {
              return escapeHTML(e.name) + ": " + escapeHTML(e.coverage + "% (" + e.count + ")");
            }).join("<br>");
          }
        },
        radar: {
          radius: "60%", center: ["50%", "57%"],
          indicator: data.elements.map(function (e) { return { name: e.name, max: 100 }; })
        },
        series: [{
          type: "radar",
          areaStyle: { opacity: 0.25 },
          data: [{ name: data.name + " (" + data.unit + ")", value: data.elements.map(function (e) { return e.coverage; }) }]
        }]
      };
    },
    // {name, unit, periods: [label], values: [count]}: services delivered per period.
    timeline: function (data) {
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 10, top: 30, bottom: 30 },
        xAxis: { type: "category", data: data.periods },
        yAxis: { type: "value", minInterval: 1, name: data.unit },
        series: [{ name: data.name, type: "bar", data: data.values }]
      };
    }
  };

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var build = builders[element.dataset.chart];
    var source = document.getElementById(element.dataset.chartSource);
    if (!build || !source) {
      return;
    }
    charts.push(portalChart.init(element, build(JSON.parse(source.textContent), element)));
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
