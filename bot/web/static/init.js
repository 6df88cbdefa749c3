// Start GOV.UK Frontend's components (error summary focus, character counts, file upload…).
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();
