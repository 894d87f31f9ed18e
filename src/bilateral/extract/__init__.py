"""Documents → candidate events with provenance, reviewed into a case or ingested (docs/extract.md)."""

from bilateral.extract.actors import ActorMention, Lexicon, build_lexicon
from bilateral.extract.candidates import COLUMNS, extract, parse_document
from bilateral.extract.dates import Dated, DateTracker
from bilateral.extract.evaluate import evaluate_plover, load_gold, seed_recall
from bilateral.extract.reader import Document, Sentence, read_document, sentences
from bilateral.extract.review import (
    ReviewResult,
    accept_review,
    candidates_frame,
    ingest_candidates,
    read_review,
    write_review,
)

__all__ = ["COLUMNS", "ActorMention", "DateTracker", "Dated", "Document", "Lexicon", "ReviewResult", "Sentence",
           "accept_review", "build_lexicon", "candidates_frame", "evaluate_plover", "extract", "ingest_candidates",
           "load_gold", "parse_document", "read_document", "read_review", "seed_recall", "sentences",
           "write_review"]
