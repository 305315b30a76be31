"""The data-steward domain: accounts, the control database, the upload template, reading, converting and validating
uploads, the diff against the release, the review workflow and the publish jobs. No web code: the /steward pages
and the /api/v1/submissions routes are dashboard/steward/'s glue over these modules. Everything it keeps lives in
the control database (LMM_DATA_DIR/control.sqlite, see stewards/store.py) and the uploads folder."""
