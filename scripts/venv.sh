# The project's virtual environment, .venv at the repository's root: created once, then reused.
# Sourced (not run) from the repository's root by scripts/start, scripts/test and .ci/run.
#
# Debian's and Ubuntu's own python3 refuse `pip install` outside a virtual environment (PEP 668,
# "externally-managed-environment"), and installing into a system Python would mix the portal's pins
# with the system's packages anyway: every install goes into .venv, pinned by constraints.txt.
#
#   PYTHON=python3.12 bash scripts/test   # the interpreter .venv is made from (default: python3)
#
# Defines VENV_DIR (.venv), VENV_PYTHON (.venv/bin/python) and venv_install REQUIREMENTS_FILE.

VENV_DIR="$PWD/.venv"
VENV_PYTHON="$VENV_DIR/bin/python"

venv_fail() {
  echo "scripts/venv.sh: $*" >&2
  exit 1
}

# Debian and Ubuntu ship venv's ensurepip (which puts pip into a new environment) in a package of its
# own, python3.X-venv (python3-venv for the default python3); without it `python3 -m venv` fails.
venv_install_venv_package() {
  local python="$1" version package
  version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  package="python$version-venv"
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
    venv_fail "$python (Python $version) cannot create a virtual environment: its venv module or ensurepip
is missing. On Debian or Ubuntu install it with: sudo apt-get install $package
(python3-venv is the same for the system's default python3), then run this command again."
  fi
  echo "$python cannot create a virtual environment (no ensurepip): installing $package (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  if ! apt-cache show "$package" >/dev/null 2>&1; then
    package=python3-venv
  fi
  apt-get install -y -qq "$package" >/dev/null
  "$python" -c 'import venv; from ensurepip import bootstrap' 2>/dev/null \
    || venv_fail "$package is installed but $python still cannot create a virtual environment"
}

venv_create() {
  local python="${PYTHON:-python3}"
  command -v "$python" >/dev/null \
    || venv_fail "no '$python' found: install Python 3.11 or newer, or name one with PYTHON=/path/to/python3"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || venv_fail "$python is Python $("$python" -c 'import platform; print(platform.python_version())'); the portal needs 3.11 or newer (name one with PYTHON=...)"
  "$python" -c 'import venv; from ensurepip import bootstrap' 2>/dev/null || venv_install_venv_package "$python"
  echo "Creating .venv with $python ($(command -v "$python"))"
  if ! "$python" -m venv "$VENV_DIR"; then
    rm -rf "$VENV_DIR"  # a half-made environment (no pip) must not be taken for a finished one
    venv_fail "'$python -m venv .venv' failed (see above)"
  fi
}

venv_check() {
  if ! "$VENV_PYTHON" -c 'import pip' 2>/dev/null; then
    venv_fail ".venv exists but $VENV_PYTHON does not run or has no pip (was the Python it was made from
moved or removed?). Delete it (rm -rf .venv) and run this command again: it will be made anew."
  fi
  if [ -n "${PYTHON:-}" ]; then
    local wanted made_from
    wanted="$("$PYTHON" -c 'import os, sys; print(os.path.realpath(sys.executable))' 2>/dev/null || echo "$PYTHON")"
    made_from="$("$VENV_PYTHON" -c 'import os, sys; print(os.path.realpath(sys._base_executable))')"
    if [ "$wanted" != "$made_from" ]; then
      echo "Note: .venv was made from $made_from, not from PYTHON=$PYTHON; it is kept (rm -rf .venv to remake it)." >&2
    fi
  fi
}

# Install a requirements file into .venv with every transitive pin (constraints.txt). Skipped while
# the requirements and constraints are those of the last successful install into this .venv.
venv_install() {
  local requirements="$1" digest stamp="$VENV_DIR/.installed-$1"
  digest="$(cat requirements*.txt constraints.txt | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
    return 0
  fi
  echo "Installing $requirements into .venv (pinned by constraints.txt)"
  "$VENV_PYTHON" -m pip install --quiet --disable-pip-version-check -r "$requirements" -c constraints.txt
  echo "$digest" > "$stamp"
}

if [ -e "$VENV_DIR" ]; then
  venv_check
else
  venv_create
fi
echo "Python: .venv/bin/python, $("$VENV_PYTHON" -c 'import os, platform, sys; print("Python", platform.python_version(), "made from", os.path.realpath(sys._base_executable))')"
