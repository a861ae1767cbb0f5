#!/bin/sh
# syncari-phenomena.sh [BUILDDIR] [STEPS] — does SynCari show what the paper depends on?
#
# For seeds 1–3: pretrain trunk + `visual` on the photo-only set (syncari-pretrain), then train
# all three tasks on SynCari (proposed weighting) starting from it, at the demo preset, and read
# the validation accuracies of held-out images: V2V (`visual` on photos), V2C (`visual` on
# caricatures), C2C (`cari` on caricatures), C2V (`cari` on photos). The paper's Fig. 2 reads
# V2V 98.1, V2C 53.6, C2C 78.2, C2V 41.8 on CaVI. Uses its own database and data folders under a
# temporary XDG_DATA_HOME (SynCari is generated into XDG_CACHE_HOME as usual).
set -eu
cd "$(dirname "$0")/.."
build=${1:-_build}
steps=${2:-1500}
cli="$build/src/cli/carilab-cli"
db=$(mktemp -d)/runs.db
opt="--db $db --set optim.name=adam --set optim.lr=0.001 --set optim.epsilon=1e-8 \
  --set schedule.checkpoint_every=$steps --set schedule.eval_every=$steps --set schedule.steps=$steps"

printf '%-5s %8s %8s %8s %8s\n' seed V2V V2C C2C C2V
for seed in 1 2 3; do
  "$cli" train $opt --dataset syncari-pretrain --set run.seed=$seed --set tasks.tasks=visual \
    --set strategy.name=single --set strategy.task=visual --set batch.caricatures=0 \
    --set batch.photos=32 --name pretrain-$seed >/dev/null 2>&1
  "$cli" train $opt --dataset syncari --set run.seed=$seed --set init.from=pretrain-$seed \
    --set init.branches_from_visual=true --name syncari-$seed >/dev/null 2>&1
  LC_ALL=C "$cli" show --db "$db" --run syncari-$seed | awk -v seed=$seed '
    $1 == "val/visual_acc" { v2v = $2 } $1 == "val/v2c_acc" { v2c = $2 }
    $1 == "val/cari_acc" { c2c = $2 }   $1 == "val/c2v_acc" { c2v = $2 }
    END { printf "%-5s %8.3f %8.3f %8.3f %8.3f\n", seed, v2v, v2c, c2c, c2v }'
done
