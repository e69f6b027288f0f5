"""The JSON API (`/api/v1/`): one NinjaAPI, one router module per app in `routers/`."""
