// The dashboard's map: child regions shaded by the chosen measure, complexes as points.
// Shapes the page has no figure for (a county's sibling counties, outside the viewer's scope)
// are drawn grey, named only, and lead nowhere.
(function () {
  var element = document.getElementById("region-map");
  var configElement = document.getElementById("map-config");
  if (!element || !configElement || !window.echarts) {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  // Each shape is labelled in the page's language (the map file names them in Chinese).
  var labels = {};
  config.regions.forEach(function (r) { labels[r.name] = r.label || r.name; });
  // ECharts inserts tooltip text as HTML: every name in it is escaped (complex names are
  // written by operators).
  var escapeHTML = echarts.format.encodeHTML;
  // The colour of the 26 mountain counties' layer, as their badge (.badge-mountain-26).
  var mountainColour = "#6f42c1";
  var mountainCounties = config.mountainCounties || [];
  var statusColours = {
    constructing: "#0dcaf0", operating: "#198754", rectifying: "#fd7e14", removed: "#6c757d"
  };
  fetch(config.mapUrl)
    .then(function (response) { return response.json(); })
    .then(function (geo) {
      echarts.registerMap(config.mapName, geo);
      var chart = echarts.init(element);
      var highest = Math.max.apply(null, config.regions.map(function (r) { return r.value; }).concat([1]));
      chart.setOption({
        tooltip: {
          trigger: "item",
          formatter: function (item) {
            if (item.seriesType === "scatter" && item.data && item.data.mountain) {
              return escapeHTML(item.name) + "<br>" + escapeHTML(config.mountainLabel);
            }
            if (item.seriesType === "scatter") { return escapeHTML(item.name); }
            if (!item.data || item.data.value == null) { return escapeHTML(item.name); }
            var label = item.data.label || item.name;
            return escapeHTML(label) + "<br>" + escapeHTML(config.measureLabel) + ": " +
              escapeHTML(item.data.value.toLocaleString());
          }
        },
        visualMap: {
          min: 0, max: highest, calculable: true, left: "left", bottom: 10, seriesIndex: 0,
          inRange: { color: ["#e7f0fd", "#0d6efd"] }
        },
        geo: {
          map: config.mapName, roam: true,
          label: {
            show: true, fontSize: 11, color: "#212529", textBorderColor: "#fff", textBorderWidth: 2,
            formatter: function (item) { return labels[item.name] || item.name; }
          },
          itemStyle: { areaColor: "#e9ecef", borderColor: "#adb5bd" },
          regions: config.regions
            .filter(function (r) { return r.code === config.highlight; })
            .map(function (r) { return { name: r.name, itemStyle: { borderColor: "#dc3545", borderWidth: 3 } }; })
        },
        legend: mountainCounties.length ? {
          data: [config.mountainLabel], top: 0, right: 0,
          itemStyle: { color: mountainColour }
        } : undefined,
        series: [
          {
            type: "map", geoIndex: 0,
            data: config.regions.map(function (r) {
              return { name: r.name, value: r.value, code: r.code, label: r.label };
            })
          },
          {
            type: "scatter", coordinateSystem: "geo", symbolSize: 7, zlevel: 2,
            data: config.points,
            itemStyle: { color: function (item) { return statusColours[item.data.status] || "#333"; } }
          },
          {
            // The 26 mountain counties: a diamond at each county's seat, toggled in the legend.
            name: config.mountainLabel, type: "scatter", coordinateSystem: "geo", zlevel: 1,
            symbol: "diamond", symbolSize: 11,
            itemStyle: { color: "rgba(111, 66, 193, 0.25)", borderColor: mountainColour, borderWidth: 2 },
            data: mountainCounties.map(function (county) {
              return { name: county.label, value: county.value, code: county.code, mountain: true };
            })
          }
        ]
      });
      chart.on("click", function (item) {
        if (item.seriesType === "scatter" && item.data && item.data.mountain) {
          window.location = config.drillUrl + item.data.code;
        } else if (item.seriesType === "scatter" && item.data) {
          window.location = config.complexUrl.replace("CODE", item.data.code);
        } else if (item.data && item.data.code && item.data.code !== config.highlight) {
          window.location = config.drillUrl + item.data.code;
        }
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
})();
