"""How long free text may be: one bound per kind of text, the same in the models (and so in
model forms and model serializers), in the plain forms and in the API's action bodies."""

# A comment on one value or a rating: a line or two (the report form has always capped it).
COMMENT_MAX_LENGTH = 1000
# A reason, a note, a reviewer's comment: a paragraph or a few.
REASON_MAX_LENGTH = 2000
# A description of a complex, a member, an offering or an enterprise's need: a page.
DESCRIPTION_MAX_LENGTH = 5000
