// socklab page bootstrap: load the wasm module; everything else happens in Rust (web/).
import init from './pkg/socklab_web.js';

init().catch((err) => {
  const app = document.getElementById('app');
  app.textContent = 'socklab could not start: ' + err;
  app.setAttribute('data-error', 'load');
});
