/* Start the NHS.UK frontend's components (header menu, skip link, buttons, ...). A module file,
   not an inline script, for the Content-Security-Policy. */
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();
