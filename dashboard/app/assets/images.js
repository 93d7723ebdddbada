// Renders the print-styled figure the server prepared (dashboard/app/cards.py) with the
// page's plotly.js and downloads it: the same title, subtitle and footer as the CLI export.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  images: {
    download: function (payload) {
      if (!payload || !window.Plotly) {
        return window.dash_clientside.no_update;
      }
      var png = payload.format === "png";
      window.Plotly.downloadImage(payload.figure, {
        format: payload.format, width: 1200, height: 675, scale: png ? 2 : 1, filename: payload.filename,
      });
      return "Downloading " + payload.filename + "." + payload.format;
    },
  },
});
