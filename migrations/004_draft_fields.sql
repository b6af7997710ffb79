-- Version 4: what the operator has typed and not yet confirmed (a comment
-- without Enter, a form half filled in) is kept with the draft, so a
-- dropped connection does not lose it. JSON written by the console: the
-- step and, per screen, the text of its open fields and forms. Masked
-- fields (passwords, challenge answers, security codes, PINs) and the
-- card form are never in it. NULL: nothing typed.
ALTER TABLE drafts ADD COLUMN fields TEXT;
