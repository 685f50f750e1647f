// The catalogue's map: the complexes offering what the filters select, sized by how many of
// those services each offers. Drawn again whenever htmx brings new results.
(function () {
  if (!window.echarts) {
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
      chart = echarts.init(element);
      var most = Math.max.apply(null, config.points.map(function (p) { return p.value[2]; }).concat([1]));
      chart.setOption({
        aria: { enabled: true },
        tooltip: {
          trigger: "item",
          formatter: function (item) {
            return escapeHTML(item.name) + "<br>" + escapeHTML(config.countLabel) + ": " +
              escapeHTML(String(item.data.value[2]));
          }
        },
        geo: {
          map: "zhejiang", roam: true,
          label: { show: true, fontSize: 10, color: "#6c757d" },
          itemStyle: { areaColor: "#f1f3f5", borderColor: "#adb5bd" }
        },
        series: [{
          type: "scatter", coordinateSystem: "geo", data: config.points,
          symbolSize: function (value) { return 6 + 14 * Math.sqrt(value[2] / most); },
          itemStyle: { color: "#0d6efd", opacity: 0.75 }
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
