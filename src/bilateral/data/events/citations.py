"""BibTeX of the event datasets and of the event scale, keyed as series cite them in ``attrs``."""

BIBTEX: dict[str, str] = {
    "boschee2015icews": """@misc{boschee2015icews,
  author = {Boschee, Elizabeth and Lautenschlager, Jennifer and O'Brien, Sean and Shellman, Steve and Starz, James and Ward, Michael},
  title = {{ICEWS} Coded Event Data},
  year = {2015},
  publisher = {Harvard Dataverse},
  doi = {10.7910/DVN/28075}
}""",
    "leetaru2013gdelt": """@inproceedings{leetaru2013gdelt,
  author = {Leetaru, Kalev and Schrodt, Philip A.},
  title = {{GDELT}: Global Data on Events, Location, and Tone, 1979--2012},
  booktitle = {ISA Annual Convention},
  year = {2013}
}""",
    "beieler2016phoenix": """@incollection{beieler2016phoenix,
  author = {Beieler, John and Brandt, Patrick T. and Halterman, Andrew and Schrodt, Philip A. and Simpson, Erin M.},
  title = {Generating Political Event Data in Near Real Time: Opportunities and Challenges},
  booktitle = {Computational Social Science: Discovery and Prediction},
  editor = {Alvarez, R. Michael},
  publisher = {Cambridge University Press},
  year = {2016}
}""",
    "halterman2023polecat": """@misc{halterman2023polecat,
  author = {Halterman, Andrew and Schrodt, Philip A. and Beger, Andreas and Bagozzi, Benjamin E. and Scarborough, Grace I.},
  title = {Creating Custom Event Data Without Dictionaries: A Bag-of-Tricks},
  year = {2023},
  eprint = {2304.01331},
  archiveprefix = {arXiv}
}""",
    "goldstein1992": """@article{goldstein1992,
  author = {Goldstein, Joshua S.},
  title = {A Conflict-Cooperation Scale for {WEIS} Events Data},
  journal = {Journal of Conflict Resolution},
  volume = {36},
  number = {2},
  pages = {369--385},
  year = {1992}
}""",
}

DATASET_KEYS = {"icews": "boschee2015icews", "gdelt": "leetaru2013gdelt", "phoenix": "beieler2016phoenix",
                "polecat": "halterman2023polecat"}
