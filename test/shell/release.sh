#!/usr/bin/env bash
# Release metadata agrees with itself: clientele.control, META.json (PGXN),
# CHANGELOG.md, the frozen install scripts and the generated upgrade script,
# and the library's version.  Prints TAP.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib/tap.sh"
cd "$ROOT"

version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" clientele.control)
prev=$(sed -n 's/^PREV_VERSION *= *//p' Makefile)
meta=$(perl -MJSON::PP -e 'local $/; my $m = decode_json(<STDIN>);
	print join(" ", $m->{version}, $m->{provides}{clientele}{version}, $m->{name}, $m->{"meta-spec"}{version},
		(-e $m->{provides}{clientele}{file} ? "file-ok" : "file-missing"), $m->{prereqs}{runtime}{requires}{PostgreSQL})' <META.json 2>&1)
ok "$meta" "$version $version clientele 1.0.0 file-ok >= 15.0.0, < 16.0.0" \
	"META.json parses; its version and provides.clientele.version are the control file's ($version); PostgreSQL 15 only"
ok "$(grep -c "^## $version\b" CHANGELOG.md)" "1" "CHANGELOG.md has a section for $version"
ok "$(grep -c "^## $prev\b" CHANGELOG.md)" "1" "CHANGELOG.md has a section for $prev"
ok "$(ls sql/clientele--*.sql | grep -v -- '--.*--' | sed 's/.*clientele--//; s/\.sql$//' | tr '\n' ' ')" "$prev " \
	"the only frozen install script in sql/ is the previous release's ($prev)"
sharedir=$("${PG_CONFIG:-pg_config}" --sharedir)/extension
ok "$(ls "$sharedir/clientele--$prev--$version.sql" "$sharedir/clientele--$version.sql" "$sharedir/clientele--$prev.sql" 2>/dev/null | wc -l)" "3" \
	"installed: the $version and $prev install scripts and the $prev--$version upgrade"
ok "$(grep -c 'Supported PostgreSQL: 15\.' README.md)" "1" "README states the one supported PostgreSQL version (15)"
if [ -n "${PGHOST:-}" ]; then
	ok "$("$BIN/psql" -X -At -d postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'clientele'" 2>&1)" "$version" \
		"the server offers $version as the default version"
fi
echo "1..$n"
exit $failed
