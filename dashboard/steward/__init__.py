"""The /steward pages and the /api/v1/submissions routes: web glue (Flask routes, views, sessions and CSRF, templates)
over the data-steward domain in stewards/ (accounts, control database, upload, validation, diff, workflow, publish).
The release build takes accepted submissions as an explicit input (`lmm build` and the publish job hand it
stewards.store.accepted_submission_frames())."""
