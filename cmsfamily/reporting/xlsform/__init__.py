"""A template as an XLSForm workbook (the form standard of ODK, KoboToolbox and SurveyCTO), and
back: pure conversion between an XLSForm and the template JSON of ``exchange.py``; nothing is
written to the database here.

Reading goes through ``pyxform``'s own reader and its ``workbook_to_json`` (which checks the
workbook as ODK would: names, choice lists, references); what the template format cannot hold is
listed in ``problems`` by sheet and row, never dropped silently.

What maps (XLSForm → template):

- ``survey`` rows: ``begin group`` / ``begin repeat`` → a section (nested; a repeat is a section
  repeated over the items the reporter adds), ``note`` → the section's introduction,
  ``integer`` ``decimal`` ``text`` (``multiline``: long text) ``date`` ``file``
  ``select_one`` ``select_multiple`` → questions, their ``name`` the question's code;
- ``label`` and ``hint`` per language (``label::French (fr)``; a plain ``label`` is in the form's
  ``default_language``, English if none);
- ``relevant`` → ``show_if``, ``required`` (yes / an expression → ``require_if``) and
  ``constraint`` as expression text of the condition language; a constraint that only bounds the
  answer (``. >= 0 and . <= 100``, ``string-length(.) <= 500``) becomes the question's limits;
  any other is kept in the item as ``constraint`` / ``constraint_message`` and listed.

What the platform has and XLSForm does not (yes/no, percentage, year, tables, pickers, loops over
a fixed list or the range species, units, targets, item numbers, sources, rules) is written in
extra ``cms_`` columns, which XLSForm tools ignore and this reader takes back, so that a version
exported and imported again is the same template. A text holding "${" is written with a word
joiner after the "$" (outside the expression columns), so that XLSForm tools do not take it for a
reference, and read back as it was.

Lossy on the way in: what the list says (types, columns, languages and appearances the template
has no place for, expressions the condition language cannot read, options from external files);
a no-break space reads as a space and spaces around a text are dropped (pyxform's reader).
"""

from cmsfamily.reporting.xlsform.common import (
    LANGUAGE_NAMES,
    language_of,
    xlsform_language,
)
from cmsfamily.reporting.xlsform.reader import (
    from_xlsform,
)
from cmsfamily.reporting.xlsform.writer import (
    template_xlsform,
    to_xlsform,
)

__all__ = [
    "LANGUAGE_NAMES",
    "from_xlsform",
    "language_of",
    "template_xlsform",
    "to_xlsform",
    "xlsform_language",
]
