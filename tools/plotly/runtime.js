// The one part of babel-polyfill 7.12 that Dash 4's bundles use: the global regeneratorRuntime
// (dashboard/app/__init__.py serves this at the polyfill's path).
require('regenerator-runtime/runtime');
