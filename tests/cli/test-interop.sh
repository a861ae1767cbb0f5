#!/bin/sh
# test-interop.sh — weights and embeddings out of CariLab and back: `export` to safetensors, the
# file through PyTorch (bench/torch_net.py) and back, `import-weights`, a run started from a
# safetensors file, partial loads refused then reported, `embed` of a tensor and of images, and
# `export --format onnx`. The PyTorch leg runs where /usr/bin/python3 has torch (CI installs it);
# elsewhere those lines say "skip" with the reason.
# Usage: test-interop.sh PATH/TO/carilab-cli SOURCE_ROOT
set -u
cli=$1
root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
db="$tmp/runs.db"
py=${CARI_PYTHON:-/usr/bin/python3}
. "$(dirname "$0")/tap.sh"

skip () {
  n=$((n + 1))
  echo "ok $n - $1 # SKIP $2"
}

tiny="--dataset toy --set model.input_size=75 --set model.width=0.0625 \
  --set model.embedding_size=8 --set batch.caricatures=4 --set batch.photos=4 \
  --set schedule.steps=6 --set schedule.checkpoint_every=3"
# shellcheck disable=SC2086
check "train a tiny run" 0 "finished at step 6" - -- train --db "$db" --name src $tiny

check "export help" 0 "safetensors" - -- export --help
check "export is listed" 0 "import-weights" - -- --help
check "export needs --output" 2 - "give the file to write with --output" -- \
  export --db "$db" --run src
check "export refuses an unknown format" 2 - "must be safetensors or onnx" -- \
  export --db "$db" --run src --output "$tmp/w.bin"
check "export names a missing step" 1 - "no checkpoint at step 4" -- \
  export --db "$db" --run src --step 4 --output "$tmp/a.safetensors"
check "export to safetensors" 0 - "run 1, step 6" -- \
  export --db "$db" --run src --output "$tmp/a.safetensors"
check "an exported step" 0 - "step 3" -- \
  export --db "$db" --run src --step 3 --output "$tmp/a3.safetensors"
cmp -s "$tmp/a.safetensors" "$tmp/a3.safetensors"
[ $? -ne 0 ]
ok $? "steps 3 and 6 differ"

check "import-weights needs a file" 2 - "give one safetensors file" -- import-weights --db "$db"
check "import-weights names a damaged file" 1 - "a.bad" -- \
  import-weights --db "$db" "$(head -c 100 "$tmp/a.safetensors" >"$tmp/a.bad"; echo "$tmp/a.bad")"
check "import-weights records a run" 0 "imported run 2 (a)" "198 of 198 tensors loaded" -- \
  import-weights --db "$db" "$tmp/a.safetensors"
check "the imported run is listed as imported" 0 "imported" - -- runs --db "$db"
check "an imported run is not resumed" 1 - "imported from a file and has no training" -- \
  resume --db "$db" --run a
check "and stays imported" 0 "^status: *imported" - -- show --db "$db" --run a
check "a name already taken is refused" 1 - "already exists" -- \
  import-weights --db "$db" "$tmp/a.safetensors"
check "export of the imported run" 0 - "run 2, step 0" -- \
  export --db "$db" --run a --output "$tmp/b.safetensors"

# The imported run holds the same tensors: its embeddings of the same input are the same bits.
"$py" - "$tmp/x.npy" <<'EOF' 2>"$tmp/np.err"
import sys
try:
    import numpy as np
except ImportError:
    sys.exit(77)
np.save(sys.argv[1], np.random.default_rng(3).standard_normal((5, 3, 75, 75)).astype("<f4"))
EOF
made=$?
if [ $made -eq 0 ]; then
  check "embed a tensor (source run)" 0 - "5 embeddings of 8 values" -- \
    embed --db "$db" --run src --input-tensor "$tmp/x.npy" --output "$tmp/e1.npy"
  check "embed a tensor (imported run)" 0 - "5 embeddings" -- \
    embed --db "$db" --run a --input-tensor "$tmp/x.npy" --output "$tmp/e2.npy"
  cmp -s "$tmp/e1.npy" "$tmp/e2.npy"
  ok $? "the same embeddings, bit for bit"
  check "embed refuses a tensor of another size" 1 - "must hold float32 \[N, 3, 75, 75\]" -- \
    embed --db "$db" --run src --input-tensor "$tmp/e1.npy" --output "$tmp/e3.npy"
else
  skip "embed a tensor" "numpy is not installed for $py"
fi

# Images, from a folder and a list; the projector's TSV.
check "generate a tiny SynCari for images" 0 - - -- \
  generate --tiny --out "$tmp/syn"
find "$tmp/syn" -name '*.jpg' | sort | head -4 >"$tmp/list.txt"
check "embed images from a list, as TSV" 0 - "4 embeddings of 8 values" -- \
  embed --db "$db" --run src --images "$tmp/list.txt" --output "$tmp/e.tsv" \
  --save-input "$tmp/in.npy"
if [ $made -eq 0 ]; then
  check "the saved input gives the same embeddings" 0 - "4 embeddings" -- \
    embed --db "$db" --run src --input-tensor "$tmp/in.npy" --output "$tmp/e.npy"
  "$py" - "$tmp/e.npy" "$tmp/e.tsv" <<'EOF2'
import sys
import numpy as np
a = np.load(sys.argv[1])
b = np.loadtxt(sys.argv[2], dtype=np.float32, ndmin=2)
assert a.shape == (4, 8) and np.array_equal(a, b), (a.shape, b.shape)
EOF2
  ok $? "the TSV holds the same values as the .npy"
fi
[ "$(wc -l <"$tmp/e.tsv")" -eq 4 ] && [ "$(head -1 "$tmp/e.tsv" | tr '\t' '\n' | wc -l)" -eq 8 ]
ok $? "4 rows of 8 tab-separated values"
[ "$(wc -l <"$tmp/e-metadata.tsv")" -eq 4 ] && grep -q '\.jpg$' "$tmp/e-metadata.tsv"
ok $? "the metadata lists the images"
person=$(dirname "$(head -1 "$tmp/list.txt")")
count=$(find "$person" -name '*.jpg' | wc -l)
check "embed a folder of images" 0 - "$count embeddings of 8 values" -- \
  embed --db "$db" --run src --images "$person" --output "$tmp/f.npy"
printf 'not an image' >"$tmp/bad.png"
echo "$tmp/bad.png" >>"$tmp/list.txt"
check "a bad image is named" 1 - "bad.png" -- \
  embed --db "$db" --run src --images "$tmp/list.txt" --output "$tmp/e.npy"
check "embed needs one input" 2 - "give --images or --input-tensor" -- \
  embed --db "$db" --run src --output "$tmp/e.npy"
check "embed refuses an unknown branch" 2 - "Unknown task" -- \
  embed --db "$db" --run src --branch nope --images "$tmp/list.txt" --output "$tmp/e.npy"

# Partial loads: a tensor renamed is refused with its name, then loaded with --partial.
if [ $made -eq 0 ]; then
  "$py" - "$root/bench" "$tmp/a.safetensors" "$tmp/p.safetensors" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import safetensors_np
t, meta = safetensors_np.load(sys.argv[2])
t["renamed.weight"] = t.pop("visual.classifier.weight")
safetensors_np.save(sys.argv[3], t, meta)
EOF
  check "a file missing a tensor is refused with its name" 1 - \
    "1 tensors missing: visual.classifier.weight" -- \
    import-weights --db "$db" --name p "$tmp/p.safetensors"
  check "a partial load is reported" 0 "imported run" \
    "missing, left as they were: visual.classifier.weight" -- \
    import-weights --db "$db" --name p --partial "$tmp/p.safetensors"
  grep -q "in the file not in this network, ignored: renamed.weight" "$tmp/err"
  ok $? "the tensor the network lacks is reported as ignored"
else
  skip "partial loads" "numpy is not installed for $py"
fi

# A run that starts from a safetensors file (init.from), and from the imported run.
# shellcheck disable=SC2086
check "train from a safetensors file" 0 "finished at step 6" "Weights from .*198 of 198 tensors loaded" -- \
  train --db "$db" --name from-file $tiny --set "init.from=$tmp/a.safetensors"
# shellcheck disable=SC2086
check "train from the imported run" 0 "finished at step 6" - -- \
  train --db "$db" --name from-run $tiny --set init.from=a
# shellcheck disable=SC2086
check "a file of another network is refused with the list" 1 - "tensors of another shape" -- \
  train --db "$db" --name wrong $tiny --set model.embedding_size=16 \
  --set "init.from=$tmp/a.safetensors"

# CariLab → safetensors → PyTorch → safetensors → CariLab, bit for bit.
if "$py" -c "import torch" 2>/dev/null; then
  "$py" - "$root/bench" "$tmp/a.safetensors" "$tmp/t.safetensors" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import safetensors_np, torch, torch_net
t, meta = safetensors_np.load(sys.argv[2])
net = torch_net.net_from_metadata(meta)
net.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in t.items()}, strict=True)
safetensors_np.save(sys.argv[3], {k: v.numpy() for k, v in net.state_dict().items()}, meta)
EOF
  ok $? "PyTorch loads the export strictly and saves its state_dict"
  check "import the PyTorch file" 0 "imported run" "198 of 198" -- \
    import-weights --db "$db" --name torch "$tmp/t.safetensors"
  check "export it again" 0 - - -- export --db "$db" --run torch --output "$tmp/c.safetensors"
  "$py" - "$root/bench" "$tmp/a.safetensors" "$tmp/c.safetensors" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import numpy as np, safetensors_np
a, _ = safetensors_np.load(sys.argv[2])
c, _ = safetensors_np.load(sys.argv[3])
assert a.keys() == c.keys(), set(a) ^ set(c)
bad = [k for k in a if a[k].shape != c[k].shape or a[k].tobytes() != c[k].tobytes()]
assert not bad, bad
print(f"# {len(a)} tensors bitwise equal")
EOF
  ok $? "the round trip through PyTorch is bitwise"
else
  skip "the round trip through PyTorch" "torch is not installed for $py (Debian: python3-torch)"
fi

# ONNX: written, with its metadata (the test of its numbers is tests/interop).
check "export the visual branch as ONNX" 0 - "branch visual" -- \
  export --db "$db" --run src --branch visual --output "$tmp/m.onnx"
[ -s "$tmp/m.onnx" ] && grep -q "carilab.preprocessing" "$tmp/m.onnx"
ok $? "the model is written with its preprocessing"
check "export refuses an unknown branch" 2 - "branch" -- \
  export --db "$db" --run src --branch nope --output "$tmp/m.onnx"

echo "1..$n"
exit $fail
