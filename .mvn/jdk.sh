# Sourced by ./conveyor and .ci/run: exports JAVA_HOME as a JDK 21 or newer.
# Order: $JAVA_HOME, the `java` on PATH, then the newest JDK found in the usual install folders.

conveyor_java_version() { # prints the major version of the java binary $1, or nothing
  # The JDK's release file says it without starting a JVM (a few hundred ms of every ./conveyor run on a busy machine).
  local release major
  release="$(dirname "$(dirname "$1")")/release"
  if [ -f "$release" ]; then
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n 1)
    if [ -n "$major" ]; then echo "$major"; return 0; fi
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}

conveyor_select_jdk() {
  local candidate version best="" best_version=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    version=$(conveyor_java_version "$JAVA_HOME/bin/java")
    if [ "${version:-0}" -ge 21 ] 2>/dev/null; then return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    version=$(conveyor_java_version "$candidate/bin/java")
    if [ "${version:-0}" -ge 21 ] 2>/dev/null; then export JAVA_HOME="$candidate"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* "$HOME"/.sdkman/candidates/java/* \
                   /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$candidate/bin/javac" ] || continue
    version=$(conveyor_java_version "$candidate/bin/java")
    if [ "${version:-0}" -ge 21 ] 2>/dev/null && [ "$version" -gt "$best_version" ]; then
      best="$candidate"; best_version="$version"
    fi
  done
  if [ -n "$best" ]; then export JAVA_HOME="$best"; return 0; fi
  echo "conveyor: needs a JDK 21 or newer and found none (JAVA_HOME='${JAVA_HOME:-}', javac on PATH:" \
       "$(command -v javac >/dev/null 2>&1 && conveyor_java_version java || echo none)). Install one and set JAVA_HOME." >&2
  return 1
}
