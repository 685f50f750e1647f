// Charts drawn from data embedded in the page: <div data-chart="kind" data-chart-source="id">,
// where id names a json_script element. No request of their own.
(function () {
  if (!window.echarts) {
    return;
  }
  var palette = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545"];
  // ECharts inserts a formatter's text as HTML: every name in it is escaped.
  var escapeHTML = echarts.format.encodeHTML;

  var builders = {
    // {bands: [label], series: [{name, values}]}: complexes per score band, per category.
    histogram: function (data) {
      return {
        color: palette,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 10, top: 35, bottom: 30 },
        xAxis: { type: "category", data: data.bands, axisLabel: { interval: 0, fontSize: 10 } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) {
          return { name: s.name, type: "bar", data: s.values };
        })
      };
    },
    // {years: [label], series: [{key, name, values}]}: one measure (data-chart-series) by year.
    trend: function (data, element) {
      var series = data.series.filter(function (s) { return s.key === element.dataset.chartSeries; })[0];
      return {
        color: palette,
        tooltip: { trigger: "axis" },
        grid: { left: 50, right: 10, top: 10, bottom: 25 },
        xAxis: { type: "category", data: data.years, boundaryGap: false },
        yAxis: { type: "value" },
        series: [{ name: series.name, type: "line", data: series.values, areaStyle: { opacity: 0.15 } }]
      };
    },
    // {elements: [{name, coverage, count}]}: the ten elements' coverage (0–100) as a radar.
    radar: function (data) {
      return {
        color: palette,
        tooltip: {
          formatter: function () {
            return data.elements.map(function (e) {
              return escapeHTML(e.name) + ": " + escapeHTML(e.coverage + "% (" + e.count + ")");
            }).join("<br>");
          }
        },
        radar: {
          radius: "65%",
          indicator: data.elements.map(function (e) { return { name: e.name, max: 100 }; })
        },
        series: [{
          type: "radar",
          areaStyle: { opacity: 0.25 },
          data: [{ name: data.name, value: data.elements.map(function (e) { return e.coverage; }) }]
        }]
      };
    },
    // {periods: [label], values: [count]}: services delivered per period.
    timeline: function (data) {
      return {
        color: palette,
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 10, top: 15, bottom: 30 },
        xAxis: { type: "category", data: data.periods },
        yAxis: { type: "value", minInterval: 1 },
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
    var chart = echarts.init(element);
    chart.setOption(build(JSON.parse(source.textContent), element));
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
