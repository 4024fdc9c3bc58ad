// The API documentation page (/docs): Swagger UI from app/static/vendor/swagger-ui/,
// started from this file rather than an inline script so the page keeps the strict CSP.
// No validator badge (it would load an image from validator.swagger.io).
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
