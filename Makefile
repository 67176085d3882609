# kg: the two set-up commands are `make build-graph` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KG := $(BIN)/kg
OUT ?= outputs
SAMPLE := kg/data/sample
DATA := ../shared/data
CORPUS := pipelines/corpus
TRAINING := pipelines/training
NEWS_DEV := $(DATA)/news_dev

.PHONY: install build-graph open export test train-model eval-model eval-graph package-model bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# bytecode for the editable package even where PYTHONDONTWRITEBYTECODE is set (each kg
	# process, a pool worker's helper included, would otherwise compile kg on start)
	$(BIN)/python -m compileall -q kg
	touch $@

build-graph: install
	$(KG) build $(SAMPLE) --out $(OUT)

# says so (and exits 1) when no browser could be started, and prints the path either way
open: $(OUT)/graph.html
	@$(BIN)/python -c "import pathlib, sys, webbrowser; p = pathlib.Path(sys.argv[1]).resolve(); \
	ok = webbrowser.open(p.as_uri()); print(p); \
	ok or sys.exit('kg: no browser could be opened here; open the file above yourself')" "$(OUT)/graph.html"

$(OUT)/graph.html:
	$(MAKE) build-graph

# the export formats again from the build in $(OUT) (its graph.json): no model, no articles
export: install $(OUT)/graph.html
	$(KG) export --out $(OUT)

test: install
	$(BIN)/python -m pytest -q

# ---- the model: rebuilt from ../shared/data on a 2-core machine (see README for times) ----
$(CORPUS)/feature_lexicon.tsv: pipelines/build_lexicons.py
	$(BIN)/python -m pipelines.build_lexicons --data $(DATA) --features $@

$(CORPUS)/train.spacy: pipelines/convert.py kg/corpora.py kg/clean.py $(CORPUS)/feature_lexicon.tsv
	$(BIN)/python -m pipelines.convert --data $(DATA) --out $(CORPUS)

train-model: install $(CORPUS)/train.spacy
	$(BIN)/python -m pipelines.train_segmenter --out $(TRAINING)/pkuseg
	rm -rf $(TRAINING)/checkpoints
	$(BIN)/python -m spacy train pipelines/ner_tag.cfg --output $(TRAINING)/ner \
		--paths.train $(CORPUS)/train.spacy --paths.dev $(CORPUS)/dev.spacy --paths.lexicon $(CORPUS)/feature_lexicon.tsv \
		--paths.checkpoints $(TRAINING)/checkpoints --code pipelines/checkpoints.py
	$(BIN)/python -m pipelines.checkpoints average $(TRAINING)/ner/model-averaged --from $(TRAINING)/checkpoints --last 3
	$(MAKE) package-model

# the tagger's decoder with no O penalty: mixed-dev F is flat from 0 to 0.25 (0.904 / 0.905), and
# the graph of news_dev and the held-back People's Daily articles are better at 0 (README, "The model")
package-model: install
	$(BIN)/python -m pipelines.package --ner $(TRAINING)/ner/model-averaged --pkuseg $(TRAINING)/pkuseg --outside-penalty 0

eval-model: install $(CORPUS)/train.spacy
	$(KG) eval --data $(DATA)/people_daily_ner/example.dev --format bio
	$(KG) eval --data $(CORPUS)/msra_heldback.spacy --format spacy
	$(KG) eval --data $(DATA)/cluener2020/dev.json --format cluener
	$(KG) eval --data $(CORPUS)/cluener_heldback.spacy --format spacy
	$(KG) eval --data $(DATA)/resume_ner/dev.char.bmes --format resume
	$(KG) eval --data $(DATA)/weibo_ner/weiboNER_2nd_conll.dev --format weibo
	$(KG) eval --data $(DATA)/announcements_ner/example.dev --format announcements
	$(KG) eval --data $(DATA)/exec_bio_ner/example.dev --format exec_bio
	$(KG) eval --data $(CORPUS)/seg_test.txt --format seg
	$(BIN)/python -m pipelines.doc_eval
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python bench/peers.py
	$(MAKE) eval-graph

# the entity rules and the graph, end to end: our sample gold and the real-article news_dev
eval-graph: install
	$(KG) build $(SAMPLE) --out $(OUT)/eval-sample --no-cache --quiet
	$(KG) score --gold tests/gold/sample_gold.json --out $(OUT)/eval-sample
	$(KG) build $(NEWS_DEV)/*.txt --out $(OUT)/eval-news-dev --no-cache --quiet
	$(KG) score --gold $(NEWS_DEV)/gold_news.json --out $(OUT)/eval-news-dev
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python bench/graph_peer.py

bench: install
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python bench/peers.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/graph_peer.py

clean:
	rm -rf $(OUT) $(CORPUS) .pytest_cache
