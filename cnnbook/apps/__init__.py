"""Applications of chapter 9, one topic per module, imported on demand (nothing heavy here).

* :mod:`cnnbook.apps.go` — Go (围棋): game records, feature planes, board symmetries and the
  AlphaGo-style policy network (with :mod:`~cnnbook.apps.go_board` and
  :mod:`~cnnbook.apps.go_data`).
* :mod:`cnnbook.apps.speech` — speech: spectrograms and filters that move along frequency.
* :mod:`cnnbook.apps.text` — text: word embeddings and filters that move along time.
"""
