// The interactive reference of /openapi.json. A token in the URL fragment (#token=..., as
// `make run` prints it; a fragment never reaches the server) pre-fills the bearer scheme.
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: false,
  persistAuthorization: true,
  displayRequestDuration: true,
  tryItOutEnabled: false,
  onComplete: () => {
    if (token) {
      ui.preauthorizeApiKey("bearerAuth", token);
      history.replaceState(null, "", location.pathname + location.search);
    }
  },
});
window.ui = ui;
