"""Notebooks: `tensorsh doctest FILE` runs the code cells of a Jupyter notebook (`.ipynb`) or of
its nbconvert Markdown export and compares what tensorsh prints with what the document shows.

    cells      what a document's code cell holds and what it showed, as data
    markdown   nbconvert Markdown exports: read, and write outputs back
    ipynb      Jupyter's notebook files: read, and write outputs back
    display    IPython's rule for what a cell shows, and its pretty printer
    running    running the cells in one session; which outputs hang on unseeded random numbers
    verdicts   a cell's outputs against the document's: match, differ, random, error, skipped
    doctest    the click command and its report
"""
