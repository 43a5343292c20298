/* Run at the top of <body>, before it is painted: tells the NHS.UK frontend's CSS that JavaScript
   (and, for its components, ES modules) will run. A file, not inline, for the Content-Security-Policy. */
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
