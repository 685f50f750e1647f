// The catalogue's map: the complexes offering what the filters select, sized by how many of
// those services each offers. Drawn again whenever htmx brings new results.
(function () {
  if (!window.echarts || !window.portalChart) {
    return;
  }
  var escapeHTML = echarts.format.encodeHTML;
  var geoLoaded = null;
  var chart = null;

  function draw() {
    var element = document.getElementById("catalogue-map");
    var configElement = document.getElementById("catalogue-map-config");
    if (chart) {
      chart.dispose();
      chart = null;
    }
    if (!element || !configElement) {
      return;
    }
    var config = JSON.parse(configElement.textContent);
    geoLoaded = geoLoaded || fetch(config.mapUrl).then(function (response) { return response.json(); });
    geoLoaded.then(function (geo) {
      echarts.registerMap("zhejiang", geo);
      var most = Math.max.apply(null, config.points.map(function (p) { return p.value[2]; }).concat([1]));
      chart = portalChart.init(element, {
        // The points' size is the count: the legend names it with its unit.
        legend: { top: 0, left: 0, data: [config.countLabel + " (" + config.countUnit + ")"] },
        tooltip: {
          trigger: "item",
          formatter: function (item) {
            return escapeHTML(item.name) + "<br>" + escapeHTML(config.countLabel) + ": " +
              escapeHTML(item.data.value[2] + " " + config.countUnit);
          }
        },
        geo: {
          map: "zhejiang", roam: true,
          // Each city named in the page's language (the map file names them in Chinese).
          label: {
            show: true, fontSize: 10, color: "#495057",
            formatter: function (item) { return config.regionLabels[item.name] || item.name; }
          },
          itemStyle: { areaColor: "#f1f3f5", borderColor: "#adb5bd" }
        },
        series: [{
          name: config.countLabel + " (" + config.countUnit + ")",
          type: "scatter", coordinateSystem: "geo", data: config.points,
          symbolSize: function (value) { return 6 + 14 * Math.sqrt(value[2] / most); },
          itemStyle: { color: portalChart.palette[0], opacity: 0.75 }
        }]
      });
      chart.on("click", function (item) {
        if (item.data && item.data.code) {
          window.location = config.complexUrl.replace("CODE", encodeURIComponent(item.data.code));
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "catalogue-results") {
      draw();
    }
  });
  window.addEventListener("resize", function () { if (chart) { chart.resize(); } });
})();
