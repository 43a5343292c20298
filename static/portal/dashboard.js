/*
 * Gap dashboards: draws the two charts from the data the page carries (json_script), and follows a
 * report that is being worked out. Both are extras: every figure is in the tables, and the progress
 * panel has a refresh link, so the page works without this script.
 */
(function () {
  "use strict";

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var colours = ["#005eb8", "#330072", "#007f3b", "#ae2573", "#ed8b00", "#425563"];
  var pointStyles = ["circle", "triangle", "rect", "rectRot", "star", "crossRot"];
  var dashes = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4], [1, 6]];

  function formatNumber(value, digits) {
    return Number(value).toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  // Draws each bar's range (low to high case) as an error bar across it: a line with a cap at each end.
  // Bars without a range (reports computed before ranges) get none.
  var rangeBars = {
    id: "portalRangeBars",
    afterDatasetsDraw: function (chart) {
      var range = chart.options.plugins.portalRangeBars;
      if (!range || !range.low) {
        return;
      }
      var meta = chart.getDatasetMeta(0);
      var scale = chart.scales.x;
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "#212b32";
      ctx.lineWidth = 2;
      meta.data.forEach(function (bar, i) {
        var low = range.low[i];
        var high = range.high[i];
        if (low === null || high === null || low === undefined || high === undefined) {
          return;
        }
        var y = bar.y;
        var from = scale.getPixelForValue(low);
        var to = scale.getPixelForValue(high);
        var cap = Math.max(3, (bar.height || 10) / 3);
        ctx.beginPath();
        ctx.moveTo(from, y);
        ctx.lineTo(to, y);
        ctx.moveTo(from, y - cap);
        ctx.lineTo(from, y + cap);
        ctx.moveTo(to, y - cap);
        ctx.lineTo(to, y + cap);
        ctx.stroke();
      });
      ctx.restore();
    }
  };

  function drawGap(figure, data) {
    var canvas = figure.querySelector("canvas");
    figure.style.height = Math.max(240, data.labels.length * 26 + 80) + "px";
    figure.hidden = false;
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{
          label: data.label,
          data: data.values,
          backgroundColor: data.values.map(function (v) { return v > 0 ? colours[0] : colours[2]; }),
          borderColor: "#212b32",
          borderWidth: data.values.map(function (v) { return v > 0 ? 0 : 1; })
        }]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: reduceMotion ? false : undefined,
        plugins: {
          legend: { display: false },
          portalRangeBars: { low: data.low, high: data.high },
          tooltip: {
            callbacks: {
              label: function (item) {
                var text = formatNumber(item.raw, 0) + " FTE";
                var low = data.low && data.low[item.dataIndex];
                var high = data.high && data.high[item.dataIndex];
                if (low !== null && low !== undefined && high !== null && high !== undefined) {
                  text += " (range " + formatNumber(low, 0) + " to " + formatNumber(high, 0) + ")";
                }
                return text;
              }
            }
          }
        },
        scales: {
          x: {
            suggestedMin: Math.min.apply(null, (data.low || []).filter(function (v) { return v !== null; }).concat([0])),
            suggestedMax: Math.max.apply(null, (data.high || []).filter(function (v) { return v !== null; }).concat([0])),
            title: { display: true, text: "Gap (FTE); below zero, courses supply more than the demand" }
          }
        }
      },
      plugins: [rangeBars]
    });
  }

  function drawCoverage(figure, data) {
    var canvas = figure.querySelector("canvas");
    figure.style.height = "360px";
    figure.hidden = false;
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, i) {
          return {
            label: series.label,
            data: series.values,
            borderColor: colours[i % colours.length],
            backgroundColor: colours[i % colours.length],
            borderDash: dashes[i % dashes.length],
            borderWidth: i === 0 ? 4 : 2,
            pointStyle: pointStyles[i % pointStyles.length],
            pointRadius: 6,
            spanGaps: false
          };
        })
      },
      options: {
        maintainAspectRatio: false,
        animation: reduceMotion ? false : undefined,
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + (item.raw === null ? "no demand" : formatNumber(item.raw, 1) + "%");
              }
            }
          }
        },
        scales: {
          y: {
            beginAtZero: true,
            title: { display: true, text: "Coverage (supply as a share of demand)" },
            ticks: { callback: function (value) { return value + "%"; } }
          }
        }
      }
    });
  }

  function drawTrend(figure, data) {
    var canvas = figure.querySelector("canvas");
    figure.style.height = "360px";
    figure.hidden = false;
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: "Vacancies (FTE)", data: data.vacancies, yAxisID: "y", borderColor: colours[0],
            backgroundColor: colours[0], borderWidth: 3, pointStyle: "circle", pointRadius: 3
          },
          {
            label: "Vacancy rate (%)", data: data.rates, yAxisID: "rate", borderColor: colours[1],
            backgroundColor: colours[1], borderDash: dashes[1], borderWidth: 2, pointStyle: "triangle",
            pointRadius: 3, spanGaps: false
          }
        ]
      },
      options: {
        maintainAspectRatio: false,
        animation: reduceMotion ? false : undefined,
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } },
        scales: {
          y: { beginAtZero: true, title: { display: true, text: "Vacancies (FTE)" } },
          rate: {
            position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
            title: { display: true, text: "Vacancy rate" },
            ticks: { callback: function (value) { return value + "%"; } }
          }
        }
      }
    });
  }

  function drawCharts() {
    var source = document.getElementById("dashboard-chart-data");
    if (!source || !window.Chart) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var gap = document.querySelector('[data-chart="gap"]');
    if (gap && data.gap && data.gap.labels.length) {
      drawGap(gap, data.gap);
    }
    var trend = document.querySelector('[data-chart="trend"]');
    if (trend && data.trend && data.trend.labels.length) {
      drawTrend(trend, data.trend);
    }
    var coverage = document.querySelector('[data-chart="coverage"]');
    if (coverage && data.coverage && data.coverage.labels.length) {
      drawCoverage(coverage, data.coverage);
    }
  }

  function followProgress() {
    var panel = document.getElementById("report-progress");
    if (!panel || !window.fetch) {
      return;
    }
    var url = panel.getAttribute("data-progress-url");
    var every = parseInt(panel.getAttribute("data-poll-ms"), 10) || 2000;
    var bar = document.getElementById("report-progress-bar");
    var status = document.getElementById("report-progress-status");
    var link = document.getElementById("report-progress-refresh");
    var labels = { pending: "Waiting to start", running: "Running", succeeded: "Ready", failed: "Failed" };

    function say(text) {
      // Only a change is announced: the status region is polite, and a repeat would be noise.
      if (status.textContent !== text) {
        status.textContent = text;
      }
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (report) {
          bar.value = report.progress;
          bar.textContent = report.progress + "%";
          if (report.status === "succeeded") {
            say("Report " + report.id + " is ready.");
            link.textContent = "Show the new figures";
            return;
          }
          if (report.status === "failed") {
            say("Report " + report.id + " failed" + (report.error ? ": " + report.error : "."));
            link.textContent = "Refresh this page";
            return;
          }
          say((labels[report.status] || report.status) + ": " + report.progress + "% done.");
          window.setTimeout(poll, every);
        })
        .catch(function () {
          // Leave the refresh link to do the work.
        });
    }

    window.setTimeout(poll, every);
  }

  function start() {
    drawCharts();
    followProgress();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
