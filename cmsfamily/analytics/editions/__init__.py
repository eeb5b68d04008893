"""The State of the CMS Family report (issue 18): editions generated from the reports, each figure
citing the versions it rests on, frozen when published. `generate` builds the content, `services`
writes, `selectors` reads, `compare` sets a draft beside the last published edition."""
