-- +goose Up
-- Graph's web.homePageUrl of an application: where a My Apps tile opens
-- the app ('' for none).
ALTER TABLE applications ADD COLUMN web_home_page_url TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE applications DROP COLUMN web_home_page_url;
