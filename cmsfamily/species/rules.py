"""Who may do what with the species table: everyone reads it; the CMS Secretariat imports it."""

import rules

from cmsfamily.directory.rules import is_cms_secretariat

rules.add_perm("species.import_taxa", is_cms_secretariat)
