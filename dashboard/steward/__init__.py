"""The data-steward workflow: accounts, template, upload, validation, diff, review, publishing and the audit log.

Everything it keeps lives in the control database (LMM_DATA_DIR/control.sqlite, see store.py) and the original
uploads (LMM_DATA_DIR/uploads/), never inside a release; releases are built from the seed plus the accepted
submissions (warehouse.submissions_source -> store.accepted_submission_frames).
"""
