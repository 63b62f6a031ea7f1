# Sourced by scripts/demo and scripts/test: make sure .venv exists and holds the current install.
#
# Creates .venv with Python 3.11+ when it is missing, and runs `pip install -e '.[dev]'` only when
# pyproject.toml has changed since the last install (a hash of it is kept in .venv).

_pw_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "Patternwatch needs Python 3.11 or newer (as python3.11 or python3); none was found." >&2
    return 1
}

_pw_make_venv() {
    local python
    python="$(_pw_python)"
    echo "==> Creating .venv with $("$python" --version)"
    if "$python" -m venv --clear .venv; then
        return 0
    fi
    # Debian ships venv's ensurepip separately (python3-venv); install it when we can.
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> Installing Debian's python3-venv"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
        "$python" -m venv --clear .venv
    else
        echo "Could not create .venv: install your distribution's python3-venv package." >&2
        return 1
    fi
}

pw_ensure_venv() {
    if ! { [ -x .venv/bin/python ] && .venv/bin/python -m pip --version >/dev/null 2>&1; }; then
        _pw_make_venv
    fi
    local stamp=.venv/.pyproject.sha256 wanted
    wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        echo "==> Installing Patternwatch and its development tools into .venv"
        # Playwright's pip package never downloads a browser; say so anyway for its install hooks.
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 .venv/bin/python -m pip install --quiet -e '.[dev]'
        echo "$wanted" >"$stamp"
    fi
}
