// The dashboard's map: child regions shaded by the chosen measure, complexes as points.
// Shapes the page has no figure for (a county's sibling counties, outside the viewer's scope)
// are drawn grey, named only, and lead nowhere.
(function () {
  var element = document.getElementById("region-map");
  var configElement = document.getElementById("map-config");
  if (!element || !configElement || !window.echarts || !window.portalChart) {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  // Each shape is labelled in the page's language (the map file names them in Chinese).
  var labels = {};
  config.regions.forEach(function (r) { labels[r.name] = r.label || r.name; });
  // ECharts inserts tooltip text as HTML: every name in it is escaped (complex names are
  // written by operators).
  var escapeHTML = echarts.format.encodeHTML;
  var palette = portalChart.palette;
  // The colour of the 26 mountain counties' layer, as their badge (.badge-mountain-26).
  var mountainColour = palette[3];
  var mountainCounties = config.mountainCounties || [];
  // A complex's status by colour and by shape, as its badge (.status-*): told apart without
  // seeing colours.
  var statusLooks = {
    constructing: { color: palette[4], symbol: "triangle" },
    operating: { color: palette[2], symbol: "circle" },
    rectifying: { color: palette[1], symbol: "rect" },
    removed: { color: palette[7], symbol: "emptyCircle" }
  };
  var unit = config.measureUnit ? " (" + config.measureUnit + ")" : "";
  fetch(config.mapUrl)
    .then(function (response) { return response.json(); })
    .then(function (geo) {
      echarts.registerMap(config.mapName, geo);
      var highest = Math.max.apply(null, config.regions.map(function (r) { return r.value; }).concat([1]));
      var chart = portalChart.init(element, {
        tooltip: {
          trigger: "item",
          formatter: function (item) {
            if (item.seriesType === "scatter" && item.data && item.data.mountain) {
              return escapeHTML(item.name) + "<br>" + escapeHTML(config.mountainLabel);
            }
            if (item.seriesType === "scatter") { return escapeHTML(item.name); }
            if (!item.data || item.data.value == null) { return escapeHTML(item.name); }
            var label = item.data.label || item.name;
            return escapeHTML(label) + "<br>" + escapeHTML(config.measureLabel + unit) + ": " +
              escapeHTML(item.data.value.toLocaleString());
          }
        },
        // What the shading measures, with its unit.
        title: {
          text: config.measureLabel + unit, left: 0, top: 0,
          textStyle: { fontSize: 12, fontWeight: "normal", color: "#212529" }
        },
        visualMap: {
          min: 0, max: highest, calculable: true, seriesIndex: 0,
          orient: "horizontal", left: "center", bottom: 0, itemHeight: 120,
          textStyle: { color: "#212529" },
          inRange: { color: ["#e8f3fa", palette[0]] }
        },
        geo: {
          map: config.mapName, roam: true, top: 30, bottom: 50,
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
            // Shaded by a continuous scale (the visualMap reads it out): no visible decal
            // pattern. A transparent one, since ECharts 6.1 throws on the documented "none"
            // here (it marks the value dirty, a property a string cannot take).
            type: "map", geoIndex: 0, itemStyle: { decal: { color: "transparent" } },
            data: config.regions.map(function (r) {
              return { name: r.name, value: r.value, code: r.code, label: r.label };
            })
          },
          {
            type: "scatter", coordinateSystem: "geo", symbolSize: 8, zlevel: 2,
            data: config.points.map(function (point) {
              var look = statusLooks[point.status] || statusLooks.removed;
              return Object.assign({ symbol: look.symbol, itemStyle: { color: look.color, borderColor: "#000", borderWidth: 0.5 } }, point);
            })
          },
          {
            // The 26 mountain counties: a diamond at each county's seat, toggled in the legend.
            name: config.mountainLabel, type: "scatter", coordinateSystem: "geo", zlevel: 1,
            symbol: "diamond", symbolSize: 11,
            itemStyle: { color: "transparent", borderColor: mountainColour, borderWidth: 2 },
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
