"""Kabar's provincial server: FastAPI app, accounts, org-unit scope, sync API and admin CLI."""
