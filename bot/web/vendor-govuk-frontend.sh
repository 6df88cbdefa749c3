#!/usr/bin/env bash
# Rebuild bot/web/static/govuk/ from the npm package govuk-frontend. For maintainers only:
# the result is committed, so people who install perfbot need neither npm nor the network.
#
# The stylesheet is compiled from the package's own Sass with two settings changed, because a
# council service is not on GOV.UK: the GDS Transport font and the GOV.UK crown are for GOV.UK
# services only, so text is set in Arial and no crown or GOV.UK icon is shipped.
# The version matches the one govuk-frontend-jinja's macros are verified against.
set -euo pipefail
VERSION="${1:-6.3.0}"
out="$(cd "$(dirname "$0")" && pwd)/static/govuk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "govuk-frontend@${VERSION}" >/dev/null
tar xzf "govuk-frontend-${VERSION}.tgz"
npm install --silent --no-save --prefix "$work" sass@1 >/dev/null
cat > perfbot.scss <<'SCSS'
@use "package/dist/govuk" with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-assets-path: "/static/govuk/assets/"
);
SCSS
mkdir -p "$out"
./node_modules/.bin/sass --no-source-map --style=compressed perfbot.scss "$out/govuk-frontend.min.css"
cp package/dist/govuk/govuk-frontend.min.js "$out/govuk-frontend.min.js"
cat > "$out/VERSION.txt" <<TXT
govuk-frontend ${VERSION} (npm), MIT licence (see LICENSE.txt)
govuk-frontend.min.js:  dist/govuk/govuk-frontend.min.js, unchanged
govuk-frontend.min.css: compiled from dist/govuk/index.scss with
  \$govuk-font-family: arial, sans-serif   (GDS Transport is for GOV.UK services only)
  \$govuk-assets-path: "/static/govuk/assets/"
No fonts or GOV.UK images are shipped. Rebuild with bot/web/vendor-govuk-frontend.sh.
TXT
echo "vendored govuk-frontend ${VERSION} into ${out}"
