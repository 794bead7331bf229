#!/usr/bin/env bash
# Build ML-PACE and its timing driver ../shared/peers/pace_bench.cpp for the side-by-side benchmark
# (`npm run bench -- peer`), with the flags ../shared/peers/README.md gives (-O3 -march=native: the peer at its
# best), into the ignored folder .peers-build/bench/. Cached: reruns only recompile what changed.
# Exit 0 and print the driver path on success; exit 2 (with a message) when ../shared/peers is absent.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PEERS="${ACELENS_PEERS:-$ROOT/../shared/peers}"
TARBALL="$PEERS/lammps-user-pace-99aa6e6.tar.gz"
DIR="$ROOT/.peers-build/bench"
if [ ! -f "$TARBALL" ] || [ ! -f "$PEERS/pace_bench.cpp" ]; then echo "build-pace-bench: $PEERS (ML-PACE source and pace_bench.cpp) absent" >&2; exit 2; fi
command -v cmake >/dev/null || { echo "build-pace-bench: cmake not installed (apt-get install cmake g++)" >&2; exit 3; }
command -v g++ >/dev/null || { echo "build-pace-bench: g++ not installed (apt-get install cmake g++)" >&2; exit 3; }
mkdir -p "$DIR"
exec 9>"$DIR/.lock"; flock 9
P="$DIR/lammps-user-pace"
if [ ! -f "$P/CMakeLists.txt" ]; then tar xzf "$TARBALL" -C "$DIR"; fi
LIB="$DIR/build/libpace.a"
if [ ! -f "$LIB" ]; then
  echo "build-pace-bench: building ML-PACE (-O3 -march=native) into $DIR (a few minutes)" >&2
  cmake -S "$P" -B "$DIR/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-O3 -march=native" >"$DIR/cmake.log" 2>&1
  cmake --build "$DIR/build" -j2 >>"$DIR/cmake.log" 2>&1 || { tail -20 "$DIR/cmake.log" >&2; exit 1; }
fi
SRC="$PEERS/pace_bench.cpp"
OUT="$DIR/pace_bench"
if [ ! -x "$OUT" ] || [ "$SRC" -nt "$OUT" ] || [ "$LIB" -nt "$OUT" ]; then
  g++ -O3 -march=native -std=gnu++17 -DEXTRA_C_PROJECTIONS -DCOMPUTE_B_GRAD -DYAML_CPP_STATIC_DEFINE -DNDEBUG \
    -I"$P/ML-PACE" -I"$P/yaml-cpp/include" -I"$P" -I"$P/wigner-cpp/include" "$SRC" \
    "$LIB" "$DIR/build/build-yaml-cpp/libyaml-cpp-pace.a" "$DIR/build/libcnpy.a" -o "$OUT.tmp"
  mv "$OUT.tmp" "$OUT"
fi
echo "$OUT"
