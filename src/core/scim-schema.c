/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-schema"

#include "config.h"

#include "scim-store-private.h"

/* Every step runs in its own transaction and ends with `user_version` set to
 * its number.  Never edit a step that has shipped: add a new one.  Each
 * earlier version has a fixture in tests/fixtures that the suite migrates. */

/* Version 1: every entity of the design, with keys, checks and indexes. */
static const char schema_v1[] =
  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT"
  ") WITHOUT ROWID;"

  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY,"
  "  login TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(login)) > 0),"
  "  full_name TEXT NOT NULL DEFAULT '',"
  "  email TEXT NOT NULL DEFAULT '',"
  "  role TEXT NOT NULL CHECK (role IN ('sales', 'head', 'admin')),"
  "  may_accept INTEGER NOT NULL DEFAULT 0 CHECK (may_accept IN (0, 1)),"
  "  password_hash TEXT,"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
  "  created_at INTEGER NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 1"
  ");"

  "CREATE TABLE audiences ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),"
  "  description TEXT NOT NULL DEFAULT '',"
  "  version INTEGER NOT NULL DEFAULT 1"
  ");"

  "CREATE TABLE clients ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL DEFAULT 'company' CHECK (kind IN ('company', 'person')),"
  "  name TEXT NOT NULL CHECK (length(trim(name)) > 0),"
  "  tax_id TEXT NOT NULL DEFAULT '',"
  "  phones TEXT NOT NULL DEFAULT '',"
  "  emails TEXT NOT NULL DEFAULT '',"
  "  address TEXT NOT NULL DEFAULT '',"
  "  website TEXT NOT NULL DEFAULT '',"
  "  audience_id INTEGER REFERENCES audiences (id) ON DELETE SET NULL,"
  "  manager_id INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  is_customer INTEGER NOT NULL DEFAULT 0 CHECK (is_customer IN (0, 1)),"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  created_at INTEGER NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 1"
  ");"
  "CREATE INDEX clients_name ON clients (name COLLATE NOCASE);"
  "CREATE INDEX clients_tax_id ON clients (tax_id) WHERE tax_id != '';"
  "CREATE INDEX clients_manager ON clients (manager_id);"
  "CREATE INDEX clients_audience ON clients (audience_id);"

  "CREATE TABLE contacts ("
  "  id INTEGER PRIMARY KEY,"
  "  client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL CHECK (length(trim(name)) > 0),"
  "  position TEXT NOT NULL DEFAULT '',"
  "  phone TEXT NOT NULL DEFAULT '',"
  "  email TEXT NOT NULL DEFAULT '',"
  "  role TEXT NOT NULL DEFAULT 'other'"
  "    CHECK (role IN ('decision_maker', 'key_contact', 'influence_agent', 'other')),"
  "  version INTEGER NOT NULL DEFAULT 1"
  ");"
  "CREATE INDEX contacts_client ON contacts (client_id);"

  "CREATE TABLE products ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),"
  "  description TEXT NOT NULL DEFAULT '',"
  "  audience_id INTEGER REFERENCES audiences (id) ON DELETE SET NULL,"
  "  manager_id INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
  "  created_at INTEGER NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 1"
  ");"

  "CREATE TABLE stages ("
  "  id INTEGER PRIMARY KEY,"
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL CHECK (position >= 0),"
  "  name TEXT NOT NULL CHECK (length(trim(name)) > 0),"
  "  description TEXT NOT NULL DEFAULT '',"
  "  kind TEXT NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost', 'paused')),"
  "  probability INTEGER NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),"
  "  stuck_days INTEGER CHECK (stuck_days IS NULL OR stuck_days > 0),"
  "  version INTEGER NOT NULL DEFAULT 1"
  ");"
  "CREATE INDEX stages_product ON stages (product_id, position);"

  "CREATE TABLE leads ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL DEFAULT '',"
  "  company TEXT NOT NULL DEFAULT '',"
  "  position TEXT NOT NULL DEFAULT '',"
  "  phone TEXT NOT NULL DEFAULT '',"
  "  email TEXT NOT NULL DEFAULT '',"
  "  tax_id TEXT NOT NULL DEFAULT '',"
  "  source TEXT NOT NULL DEFAULT '',"
  "  channel TEXT NOT NULL DEFAULT '',"
  "  product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  received_at INTEGER NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'accepted', 'rejected')),"
  "  decided_by INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  decided_at INTEGER,"
  "  reject_reason TEXT,"
  "  owner_id INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  client_id INTEGER REFERENCES clients (id) ON DELETE SET NULL,"
  "  created_at INTEGER NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  CHECK (state != 'rejected' OR length(trim(coalesce(reject_reason, ''))) > 0),"
  "  CHECK (state = 'new' OR decided_at IS NOT NULL),"
  "  CHECK (length(trim(name || company || phone || email)) > 0)"
  ");"
  "CREATE INDEX leads_state ON leads (state, received_at);"
  "CREATE INDEX leads_received ON leads (received_at);"
  "CREATE INDEX leads_owner ON leads (owner_id, state);"
  "CREATE INDEX leads_email ON leads (email) WHERE email != '';"
  "CREATE INDEX leads_phone ON leads (phone) WHERE phone != '';"

  "CREATE TABLE sales ("
  "  id INTEGER PRIMARY KEY,"
  "  client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,"
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE RESTRICT,"
  "  stage_id INTEGER NOT NULL REFERENCES stages (id) ON DELETE RESTRICT,"
  "  owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,"
  "  lead_id INTEGER REFERENCES leads (id) ON DELETE SET NULL,"
  "  amount INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),"
  "  expected_close INTEGER,"
  "  lost_reason TEXT,"
  "  paused_until INTEGER,"
  "  stage_entered_at INTEGER NOT NULL,"
  "  closed_at INTEGER,"
  "  created_at INTEGER NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 1"
  ");"
  /* Covering indexes for the funnel: counts and amounts per stage. */
  "CREATE INDEX sales_funnel ON sales (product_id, stage_id, amount);"
  "CREATE INDEX sales_owner ON sales (owner_id, product_id, stage_id);"
  "CREATE INDEX sales_client ON sales (client_id, product_id);"
  "CREATE INDEX sales_stage_entered ON sales (stage_id, stage_entered_at);"
  /* A sale's stage must belong to the sale's product. */
  "CREATE TRIGGER sales_stage_product_insert BEFORE INSERT ON sales "
  "WHEN (SELECT product_id FROM stages WHERE id = NEW.stage_id) IS NOT NEW.product_id "
  "BEGIN SELECT RAISE(ABORT, 'stage does not belong to the product of the sale'); END;"
  "CREATE TRIGGER sales_stage_product_update BEFORE UPDATE OF stage_id, product_id ON sales "
  "WHEN (SELECT product_id FROM stages WHERE id = NEW.stage_id) IS NOT NEW.product_id "
  "BEGIN SELECT RAISE(ABORT, 'stage does not belong to the product of the sale'); END;"

  "CREATE TABLE stage_changes ("
  "  id INTEGER PRIMARY KEY,"
  "  sale_id INTEGER NOT NULL REFERENCES sales (id) ON DELETE CASCADE,"
  "  from_stage_id INTEGER REFERENCES stages (id) ON DELETE SET NULL,"
  "  to_stage_id INTEGER NOT NULL REFERENCES stages (id) ON DELETE RESTRICT,"
  "  user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  at INTEGER NOT NULL,"
  "  reason TEXT"
  ");"
  "CREATE INDEX stage_changes_sale ON stage_changes (sale_id, at);"
  "CREATE INDEX stage_changes_to ON stage_changes (to_stage_id, at);"

  "CREATE TABLE tasks ("
  "  id INTEGER PRIMARY KEY,"
  "  sale_id INTEGER NOT NULL REFERENCES sales (id) ON DELETE CASCADE,"
  "  title TEXT NOT NULL CHECK (length(trim(title)) > 0),"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,"
  "  due_at INTEGER,"
  "  due_has_time INTEGER NOT NULL DEFAULT 0 CHECK (due_has_time IN (0, 1)),"
  "  target_stage_id INTEGER REFERENCES stages (id) ON DELETE SET NULL,"
  "  state TEXT NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'done', 'failed', 'cancelled')),"
  "  result TEXT NOT NULL DEFAULT '',"
  "  position INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  closed_at INTEGER,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  CHECK (state = 'planned' OR closed_at IS NOT NULL)"
  ");"
  "CREATE INDEX tasks_sale ON tasks (sale_id, state, position);"
  "CREATE INDEX tasks_owner ON tasks (owner_id, state, due_at);"
  "CREATE INDEX tasks_due ON tasks (state, due_at);"

  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY,"
  "  sale_id INTEGER NOT NULL REFERENCES sales (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL DEFAULT 'note'"
  "    CHECK (kind IN ('call', 'meeting', 'email', 'proposal', 'contract', 'payment', 'note', 'other')),"
  "  title TEXT NOT NULL CHECK (length(trim(title)) > 0),"
  "  text TEXT NOT NULL DEFAULT '',"
  "  at INTEGER NOT NULL,"
  "  planned INTEGER NOT NULL DEFAULT 0 CHECK (planned IN (0, 1)),"
  "  author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  created_at INTEGER NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 1"
  ");"
  "CREATE INDEX events_at ON events (at);"
  "CREATE INDEX events_sale ON events (sale_id, at);"
  "CREATE INDEX events_author ON events (author_id, at);"

  "CREATE TABLE change_log ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  at INTEGER NOT NULL,"
  "  user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  entity TEXT NOT NULL,"
  "  entity_id INTEGER NOT NULL,"
  "  action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete'))"
  ");"
  "CREATE INDEX change_log_entity ON change_log (entity, entity_id, seq);"

  "CREATE TABLE alert_marks ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  alert_key TEXT NOT NULL,"
  "  delivered_at INTEGER,"
  "  read_at INTEGER,"
  "  mailed_at INTEGER,"
  "  PRIMARY KEY (user_id, alert_key)"
  ") WITHOUT ROWID;"

  "CREATE TABLE sessions ("
  "  id INTEGER PRIMARY KEY,"
  "  user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  host TEXT NOT NULL,"
  "  pid INTEGER NOT NULL,"
  "  started_at INTEGER NOT NULL,"
  "  heartbeat_at INTEGER NOT NULL"
  ");";

/* Version 2: stage intervals, kept by a trigger on stage_changes, so that the
 * funnel "as of a date" and time-in-stage are index range scans. */
static const char schema_v2[] =
  "CREATE TABLE stage_intervals ("
  "  id INTEGER PRIMARY KEY,"
  "  sale_id INTEGER NOT NULL REFERENCES sales (id) ON DELETE CASCADE,"
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  stage_id INTEGER NOT NULL REFERENCES stages (id) ON DELETE CASCADE,"
  "  entered_at INTEGER NOT NULL,"
  "  left_at INTEGER,"
  "  CHECK (left_at IS NULL OR left_at >= entered_at)"
  ");"
  "CREATE INDEX stage_intervals_product ON stage_intervals (product_id, entered_at, left_at, stage_id);"
  "CREATE INDEX stage_intervals_sale ON stage_intervals (sale_id, entered_at);"
  "CREATE INDEX stage_intervals_open ON stage_intervals (sale_id) WHERE left_at IS NULL;"

  "INSERT INTO stage_intervals (sale_id, product_id, stage_id, entered_at, left_at) "
  "SELECT c.sale_id, s.product_id, c.to_stage_id, c.at,"
  "       (SELECT max(c.at, n.at) FROM stage_changes n"
  "        WHERE n.sale_id = c.sale_id AND (n.at > c.at OR (n.at = c.at AND n.id > c.id))"
  "        ORDER BY n.at, n.id LIMIT 1) "
  "FROM stage_changes c JOIN sales s ON s.id = c.sale_id;"

  "CREATE TRIGGER stage_changes_interval AFTER INSERT ON stage_changes BEGIN"
  "  UPDATE stage_intervals SET left_at = max(NEW.at, entered_at)"
  "   WHERE sale_id = NEW.sale_id AND left_at IS NULL;"
  "  INSERT INTO stage_intervals (sale_id, product_id, stage_id, entered_at)"
  "   VALUES (NEW.sale_id, (SELECT product_id FROM sales WHERE id = NEW.sale_id), NEW.to_stage_id, NEW.at);"
  "END;";

/* Version 3: a stage can be deleted although sales passed through it (the
 * funnel editor moves its current sales to another stage first).  Version 2's
 * stage history refused that: to_stage_id was ON DELETE RESTRICT.  Now the
 * history keeps every move and, through a trigger, the deleted stage's name;
 * only the link goes.  New indexes make the foreign-key actions of a stage
 * delete index lookups instead of scans of the biggest tables, so the write
 * stays short. */
static const char schema_v3[] =
  "CREATE TABLE stage_changes_v3 ("
  "  id INTEGER PRIMARY KEY,"
  "  sale_id INTEGER NOT NULL REFERENCES sales (id) ON DELETE CASCADE,"
  "  from_stage_id INTEGER REFERENCES stages (id) ON DELETE SET NULL,"
  "  to_stage_id INTEGER REFERENCES stages (id) ON DELETE SET NULL,"
  "  user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  at INTEGER NOT NULL,"
  "  reason TEXT,"
  "  from_stage_name TEXT,"
  "  to_stage_name TEXT"
  ");"
  "INSERT INTO stage_changes_v3 (id, sale_id, from_stage_id, to_stage_id, user_id, at, reason) "
  "SELECT id, sale_id, from_stage_id, to_stage_id, user_id, at, reason FROM stage_changes;"
  "DROP TABLE stage_changes;"
  "ALTER TABLE stage_changes_v3 RENAME TO stage_changes;"
  "CREATE INDEX stage_changes_sale ON stage_changes (sale_id, at);"
  "CREATE INDEX stage_changes_to ON stage_changes (to_stage_id, at);"
  "CREATE INDEX stage_changes_from ON stage_changes (from_stage_id) WHERE from_stage_id IS NOT NULL;"

  /* A move always goes somewhere; only a later stage delete clears the link. */
  "CREATE TRIGGER stage_changes_to_required BEFORE INSERT ON stage_changes "
  "WHEN NEW.to_stage_id IS NULL "
  "BEGIN SELECT RAISE(ABORT, 'a stage change needs the stage it moves to'); END;"

  /* As in version 2: the table it was on is gone. */
  "CREATE TRIGGER stage_changes_interval AFTER INSERT ON stage_changes BEGIN"
  "  UPDATE stage_intervals SET left_at = max(NEW.at, entered_at)"
  "   WHERE sale_id = NEW.sale_id AND left_at IS NULL;"
  "  INSERT INTO stage_intervals (sale_id, product_id, stage_id, entered_at)"
  "   VALUES (NEW.sale_id, (SELECT product_id FROM sales WHERE id = NEW.sale_id), NEW.to_stage_id, NEW.at);"
  "END;"

  "CREATE TRIGGER stages_name_in_history BEFORE DELETE ON stages BEGIN"
  "  UPDATE stage_changes SET from_stage_name = OLD.name WHERE from_stage_id = OLD.id;"
  "  UPDATE stage_changes SET to_stage_name = OLD.name WHERE to_stage_id = OLD.id;"
  "END;"

  "CREATE INDEX stage_intervals_stage ON stage_intervals (stage_id);"
  "CREATE INDEX tasks_target_stage ON tasks (target_stage_id) WHERE target_stage_id IS NOT NULL;";

/* Version 4: the "build a plan" requests raised by accepting a lead.  The
 * first task of the sale answers the request, whoever writes it. */
static const char schema_v4[] =
  "CREATE TABLE plan_requests ("
  "  id INTEGER PRIMARY KEY,"
  "  sale_id INTEGER NOT NULL UNIQUE REFERENCES sales (id) ON DELETE CASCADE,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  lead_id INTEGER REFERENCES leads (id) ON DELETE SET NULL,"
  "  created_at INTEGER NOT NULL,"
  "  done_at INTEGER"
  ");"
  "CREATE INDEX plan_requests_user ON plan_requests (user_id, done_at);"
  "CREATE INDEX plan_requests_lead ON plan_requests (lead_id) WHERE lead_id IS NOT NULL;"
  "CREATE TRIGGER tasks_answer_plan_request AFTER INSERT ON tasks BEGIN"
  "  UPDATE plan_requests SET done_at = NEW.created_at WHERE sale_id = NEW.sale_id AND done_at IS NULL;"
  "END;"
  /* Accepting links the lead to its sales; finding them is an index lookup. */
  "CREATE INDEX sales_lead ON sales (lead_id) WHERE lead_id IS NOT NULL;"
  "CREATE INDEX leads_client ON leads (client_id) WHERE client_id IS NOT NULL;";

/* Version 5: Plan & control.  The usual tasks per product and stage, and
 * what the control view needs to stay fast on 200,000 sales and a million
 * tasks: each sale keeps its number of planned tasks ("no plan" is then an
 * index range, not a probe per sale) and the time of its last activity (a
 * stage move, a closed task, a sales-book event), both kept by triggers; the
 * due index covers what the overdue list sorts by. */
static const char schema_v5[] =
  "CREATE TABLE plan_templates ("
  "  id INTEGER PRIMARY KEY,"
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  stage_id INTEGER NOT NULL REFERENCES stages (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),"
  "  title TEXT NOT NULL CHECK (length(trim(title)) > 0),"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  due_in_days INTEGER NOT NULL DEFAULT 0 CHECK (due_in_days >= 0),"
  "  version INTEGER NOT NULL DEFAULT 1"
  ");"
  "CREATE INDEX plan_templates_stage ON plan_templates (stage_id, position);"
  "CREATE INDEX plan_templates_product ON plan_templates (product_id);"
  /* A template's stage belongs to its product. */
  "CREATE TRIGGER plan_templates_stage_product BEFORE INSERT ON plan_templates "
  "WHEN (SELECT product_id FROM stages WHERE id = NEW.stage_id) IS NOT NEW.product_id "
  "BEGIN SELECT RAISE(ABORT, 'stage does not belong to the product of the template'); END;"

  "ALTER TABLE sales ADD COLUMN open_tasks INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE sales ADD COLUMN last_activity_at INTEGER;"
  "UPDATE sales SET open_tasks = c.n FROM "
  "  (SELECT sale_id, count(*) AS n FROM tasks WHERE state = 'planned' GROUP BY sale_id) c "
  "WHERE c.sale_id = sales.id;"
  "UPDATE sales SET last_activity_at = stage_entered_at;"
  "UPDATE sales SET last_activity_at = max(last_activity_at, c.at) FROM "
  "  (SELECT sale_id, max(closed_at) AS at FROM tasks WHERE closed_at IS NOT NULL GROUP BY sale_id) c "
  "WHERE c.sale_id = sales.id;"
  /* An event counts when it happened, or when it was written down if that
   * was before: planning a meeting is activity too. */
  "UPDATE sales SET last_activity_at = max(last_activity_at, e.at) FROM "
  "  (SELECT sale_id, max(min(at, created_at)) AS at FROM events GROUP BY sale_id) e "
  "WHERE e.sale_id = sales.id;"

  "CREATE TRIGGER tasks_open_insert AFTER INSERT ON tasks WHEN NEW.state = 'planned' BEGIN"
  "  UPDATE sales SET open_tasks = open_tasks + 1 WHERE id = NEW.sale_id;"
  "END;"
  "CREATE TRIGGER tasks_open_delete AFTER DELETE ON tasks WHEN OLD.state = 'planned' BEGIN"
  "  UPDATE sales SET open_tasks = open_tasks - 1 WHERE id = OLD.sale_id;"
  "END;"
  "CREATE TRIGGER tasks_open_update AFTER UPDATE OF state, sale_id ON tasks "
  "WHEN OLD.state = 'planned' OR NEW.state = 'planned' BEGIN"
  "  UPDATE sales SET open_tasks = open_tasks - 1 WHERE id = OLD.sale_id AND OLD.state = 'planned';"
  "  UPDATE sales SET open_tasks = open_tasks + 1 WHERE id = NEW.sale_id AND NEW.state = 'planned';"
  "END;"

  "CREATE TRIGGER sales_activity_insert AFTER INSERT ON sales BEGIN"
  "  UPDATE sales SET last_activity_at = max(coalesce(NEW.last_activity_at, 0), NEW.stage_entered_at)"
  "   WHERE id = NEW.id;"
  "END;"
  "CREATE TRIGGER sales_activity_move AFTER UPDATE OF stage_entered_at ON sales "
  "WHEN NEW.stage_entered_at > coalesce(NEW.last_activity_at, 0) BEGIN"
  "  UPDATE sales SET last_activity_at = NEW.stage_entered_at WHERE id = NEW.id;"
  "END;"
  "CREATE TRIGGER tasks_activity_insert AFTER INSERT ON tasks WHEN NEW.closed_at IS NOT NULL BEGIN"
  "  UPDATE sales SET last_activity_at = max(coalesce(last_activity_at, 0), NEW.closed_at) WHERE id = NEW.sale_id;"
  "END;"
  "CREATE TRIGGER tasks_activity_close AFTER UPDATE OF closed_at ON tasks WHEN NEW.closed_at IS NOT NULL BEGIN"
  "  UPDATE sales SET last_activity_at = max(coalesce(last_activity_at, 0), NEW.closed_at) WHERE id = NEW.sale_id;"
  "END;"
  "CREATE TRIGGER events_activity_insert AFTER INSERT ON events BEGIN"
  "  UPDATE sales SET last_activity_at = max(coalesce(last_activity_at, 0), min(NEW.at, NEW.created_at))"
  "   WHERE id = NEW.sale_id;"
  "END;"

  /* Sales without a plan, by stage (not lost) and salesperson; sales in
   * work (open or paused: not closed) by salesperson and last activity. */
  "CREATE INDEX sales_no_plan ON sales (stage_id, owner_id, stage_entered_at) WHERE open_tasks = 0;"
  "CREATE INDEX sales_in_work ON sales (owner_id, last_activity_at, paused_until) WHERE closed_at IS NULL;"
  /* Overdue and due lists sort by due time, sale and position: covered. */
  "DROP INDEX tasks_due;"
  "CREATE INDEX tasks_due ON tasks (state, due_at, due_has_time, sale_id, position);";

/* Version 6: the Sales book.  Each edit and delete of an event keeps the
 * version it replaces (event_history; no link to the event, which may be
 * gone).  Unread marks: a watermark per user, the key (created_at, id) of
 * the newest event they have read all up to, and single marks above it; a
 * new user, and everyone at this upgrade, starts with everything read.
 * Indexes: unread counts are a range of events_created from the watermark;
 * the book filtered by kind follows events_kind in display order; the
 * events whose time has come are found through events_planned. */
static const char schema_v6[] =
  "CREATE TABLE event_history ("
  "  id INTEGER PRIMARY KEY,"
  "  event_id INTEGER NOT NULL,"
  "  action TEXT NOT NULL CHECK (action IN ('update', 'delete')),"
  "  changed_at INTEGER NOT NULL,"
  "  changed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  sale_id INTEGER NOT NULL REFERENCES sales (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL,"
  "  title TEXT NOT NULL,"
  "  text TEXT NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  version INTEGER NOT NULL"
  ");"
  "CREATE INDEX event_history_event ON event_history (event_id, id);"
  "CREATE INDEX event_history_sale ON event_history (sale_id);"

  "CREATE TABLE event_read_upto ("
  "  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  event_id INTEGER NOT NULL"
  ");"
  "CREATE TABLE event_reads ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (user_id, event_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX event_reads_event ON event_reads (event_id);"

  "CREATE INDEX events_created ON events (created_at, author_id);"
  "CREATE INDEX events_kind ON events (kind, at);"
  "CREATE INDEX events_planned ON events (at) WHERE planned = 1;"

  "INSERT INTO event_read_upto (user_id, created_at, event_id) "
  "SELECT id, coalesce((SELECT max(created_at) FROM events), 0), coalesce((SELECT max(id) FROM events), 0) "
  "FROM users;"
  "CREATE TRIGGER users_event_read_upto AFTER INSERT ON users BEGIN"
  "  INSERT INTO event_read_upto (user_id, created_at, event_id)"
  "   VALUES (NEW.id, coalesce((SELECT max(created_at) FROM events), 0), coalesce((SELECT max(id) FROM events), 0));"
  "END;"
  /* What was ahead when it was written and has come since. */
  "UPDATE events SET planned = 0 WHERE planned = 1 AND at <= CAST(strftime('%s', 'now') AS INTEGER);";

/* Version 7: the Funnel module.  "Reached", conversion, time in stage and
 * the observed win rates read every stay of every sale of a product in sale
 * order; with stage_intervals_product_sale that is one contiguous, covering
 * range per product (without it every interval was a row lookup: one
 * product of the large demo took 150-250 ms instead of 30).  The
 * salesperson × product and client × product breakdowns, the biggest
 * clients and salesperson performance (with the time from creation to
 * closing) sum amounts and times: those columns join the indexes by
 * salesperson and by client, so these are covering scans instead of
 * 200,000 row lookups. */
static const char schema_v7[] =
  "CREATE INDEX stage_intervals_product_sale ON stage_intervals (product_id, sale_id, stage_id, entered_at, left_at);"
  "DROP INDEX sales_owner;"
  "CREATE INDEX sales_owner ON sales (owner_id, product_id, stage_id, amount, created_at, closed_at);"
  "DROP INDEX sales_client;"
  "CREATE INDEX sales_client ON sales (client_id, product_id, amount);";

/* Version 8: leads that came from another CRM, and likely duplicates.  An
 * import keeps the source's own id, status and owner's name (a person who
 * may not be a user here), so that importing a newer export updates its
 * leads instead of adding them again.  Two leads are likely duplicates
 * when they share a phone, an e-mail or a tax id: the keys are virtual
 * columns (the first phone's last 10 digits when it has at least 5 and
 * nothing but digits and punctuation; the first e-mail in lower case),
 * computed in SQL alone so that any sqlite3 reads the file, and indexed,
 * so that the Leads table marks duplicates with index lookups. */
#define LEAD_PHONE_LIST "replace(replace(replace(phone, ';', ','), char(10), ','), char(13), ',')"
#define LEAD_PHONE_FIRST "substr(" LEAD_PHONE_LIST ", 1, instr(" LEAD_PHONE_LIST " || ',', ',') - 1)"
#define LEAD_PHONE_DIGITS                                                                                    \
  "replace(replace(replace(replace(replace(replace(replace(" LEAD_PHONE_FIRST                               \
  ", ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), char(9), '')"
#define LEAD_EMAIL_LIST "replace(replace(replace(replace(trim(email), ';', ','), ' ', ','), char(10), ','), char(13), ',')"
#define LEAD_EMAIL_FIRST "lower(substr(" LEAD_EMAIL_LIST ", 1, instr(" LEAD_EMAIL_LIST " || ',', ',') - 1))"

static const char schema_v8[] =
  "ALTER TABLE leads ADD COLUMN source_id TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE leads ADD COLUMN source_status TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE leads ADD COLUMN source_owner TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE leads ADD COLUMN phone_key TEXT GENERATED ALWAYS AS ("
  "  CASE WHEN length(" LEAD_PHONE_DIGITS ") >= 5 AND " LEAD_PHONE_DIGITS " NOT GLOB '*[^0-9]*'"
  "  THEN substr(" LEAD_PHONE_DIGITS ", -10) ELSE '' END) VIRTUAL;"
  "ALTER TABLE leads ADD COLUMN email_key TEXT GENERATED ALWAYS AS ("
  "  CASE WHEN instr(" LEAD_EMAIL_FIRST ", '@') > 1 THEN " LEAD_EMAIL_FIRST " ELSE '' END) VIRTUAL;"
  "CREATE INDEX leads_source_id ON leads (source_id) WHERE source_id != '';"
  "CREATE INDEX leads_phone_key ON leads (phone_key) WHERE phone_key != '';"
  "CREATE INDEX leads_email_key ON leads (email_key) WHERE email_key != '';"
  "CREATE INDEX leads_tax_id ON leads (tax_id) WHERE tax_id != '';";

/* Version 9: alerts.  A snooze hides an alert until its time and then
 * shows it once more; the marks are per user, in the file, so that what
 * one machine showed or the user read holds on every machine. */
static const char schema_v9[] =
  "ALTER TABLE alert_marks ADD COLUMN snoozed_until INTEGER;";

/* Version 10: alerts from ranges, never a scan.  event_news is each
 * user's feed of colleagues' events in sales they own or whose product
 * they manage, filled by a trigger as events are written (the alert "a new
 * event in my sale" reads a range of it instead of every recent event of
 * the team), and pruned of what is a month older than the newest.  The
 * leads waiting for acceptance are counted from leads_owner, which now
 * carries received_at for the oldest; stuck sales are read in the order of
 * their stage's entry from sales_stuck, a partial index of open sales. */
static const char schema_v10[] =
  "CREATE TABLE event_news ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (user_id, created_at, event_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX event_news_event ON event_news (event_id);"
  SCIM_SCHEMA_EVENT_NEWS_FILL ";"
  /* Two statements rather than a UNION: cheaper per event written. */
  "CREATE TRIGGER events_news AFTER INSERT ON events BEGIN"
  "  INSERT OR IGNORE INTO event_news (user_id, created_at, event_id)"
  "    SELECT owner_id, NEW.created_at, NEW.id FROM sales WHERE id = NEW.sale_id"
  "    AND owner_id IS NOT NULL AND owner_id IS NOT NEW.author_id;"
  "  INSERT OR IGNORE INTO event_news (user_id, created_at, event_id)"
  "    SELECT p.manager_id, NEW.created_at, NEW.id FROM sales s JOIN products p ON p.id = s.product_id"
  "    WHERE s.id = NEW.sale_id AND p.manager_id IS NOT NULL AND p.manager_id IS NOT NEW.author_id;"
  "  DELETE FROM event_news WHERE user_id = (SELECT owner_id FROM sales WHERE id = NEW.sale_id)"
  "    AND created_at < NEW.created_at - 30 * 86400;"
  "  DELETE FROM event_news WHERE user_id = (SELECT p.manager_id FROM sales s"
  "    JOIN products p ON p.id = s.product_id WHERE s.id = NEW.sale_id)"
  "    AND created_at < NEW.created_at - 30 * 86400;"
  "END;"
  "DROP INDEX leads_owner;"
  "CREATE INDEX leads_owner ON leads (owner_id, state, received_at);"
  "CREATE INDEX sales_stuck ON sales (owner_id, stage_entered_at, stage_id, paused_until) "
  "  WHERE closed_at IS NULL;";

/* Version 11: the duplicate keys of leads are stored, written by the store
 * with each phone and e-mail (scim_phone_key(), scim_email_key()), no
 * longer virtual columns: SQL computed them with some forty string calls a
 * row, which held the write lock of an import of 100,000 leads a second
 * longer than the copy itself.  The values are carried over as they were;
 * any sqlite3 still reads every column.  The indexes of the raw phone and
 * e-mail, which no query has used since the keys came, go. */
static const char schema_v11[] =
  "DROP INDEX leads_email;"
  "DROP INDEX leads_phone;"
  "DROP INDEX leads_phone_key;"
  "DROP INDEX leads_email_key;"
  "ALTER TABLE leads ADD COLUMN phone_key_stored TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE leads ADD COLUMN email_key_stored TEXT NOT NULL DEFAULT '';"
  "UPDATE leads SET phone_key_stored = phone_key, email_key_stored = email_key "
  "  WHERE phone_key != '' OR email_key != '';"
  "ALTER TABLE leads DROP COLUMN phone_key;"
  "ALTER TABLE leads DROP COLUMN email_key;"
  "ALTER TABLE leads RENAME COLUMN phone_key_stored TO phone_key;"
  "ALTER TABLE leads RENAME COLUMN email_key_stored TO email_key;"
  "CREATE INDEX leads_phone_key ON leads (phone_key) WHERE phone_key != '';"
  "CREATE INDEX leads_email_key ON leads (email_key) WHERE email_key != '';";

/* Version 12: the Leads table's search reads an index.  leads_search is a
 * contentless FTS5 table of trigrams (any substring of three characters or
 * more is an index lookup, case folded for Cyrillic as for Latin) over a
 * lead's name, company, phone and e-mail, "ё" written as "е" as scim_fold()
 * does.  Tokenizing costs some 14 µs a lead, which an import of 100,000
 * must not add to its write lock: the triggers (plain SQL, so any writer
 * keeps them) only queue a new or changed lead in leads_search_queue, and
 * the store indexes the queue in short transactions of its own after each
 * write (scim-store-leads.c).  A change takes the old text out of the index
 * at once unless the lead was still queued.  The search looks at the
 * queued leads as well, and still checks each column with scim_fold()
 * LIKE: the index only narrows the rows to those holding the search's
 * words. */
#define LEAD_SEARCH_UNQUEUED(row) \
  " WHERE NOT EXISTS (SELECT 1 FROM leads_search_queue q WHERE q.lead_id = " row ".id)"

static const char schema_v12[] =
  "CREATE VIRTUAL TABLE leads_search USING fts5 (text, content = '', tokenize = 'trigram');"
  "CREATE TABLE leads_search_queue (lead_id INTEGER PRIMARY KEY);"
  "INSERT INTO leads_search (rowid, text) SELECT id, " SCIM_SCHEMA_LEAD_SEARCH_TEXT ("leads") " FROM leads;"
  "CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN"
  "  INSERT OR IGNORE INTO leads_search_queue (lead_id) VALUES (NEW.id);"
  "END;"
  "CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN"
  "  INSERT INTO leads_search (leads_search, rowid, text) SELECT 'delete', OLD.id, "
  SCIM_SCHEMA_LEAD_SEARCH_TEXT ("OLD") LEAD_SEARCH_UNQUEUED ("OLD") ";"
  "  DELETE FROM leads_search_queue WHERE lead_id = OLD.id;"
  "END;"
  "CREATE TRIGGER leads_search_update AFTER UPDATE OF name, company, phone, email ON leads BEGIN"
  "  INSERT INTO leads_search (leads_search, rowid, text) SELECT 'delete', OLD.id, "
  SCIM_SCHEMA_LEAD_SEARCH_TEXT ("OLD") LEAD_SEARCH_UNQUEUED ("OLD") ";"
  "  INSERT OR IGNORE INTO leads_search_queue (lead_id) VALUES (NEW.id);"
  "END;"
  /* The lists page by key (scim_store_query_page): each order a list
   * offers is an index, so the next page seeks to its key and reads its
   * own rows.  Sales newest first (everyone's and one salesperson's), idle
   * ones, those without a plan; overdue tasks by due time, sale and position
   * (everyone's and one person's).  Not the leads by name, company or
   * source: three more indexes of text would add 0.7 s to the write lock of
   * an import of 100,000 leads, and a sort of 150,000 leads takes 0.1 s. */
  "CREATE INDEX sales_entered ON sales (stage_entered_at);"
  "CREATE INDEX sales_idle ON sales (last_activity_at) WHERE closed_at IS NULL;"
  "CREATE INDEX sales_no_plan_entered ON sales (stage_entered_at, stage_id) WHERE open_tasks = 0;"
  "CREATE INDEX sales_owner_entered ON sales (owner_id, stage_entered_at);"
  "DROP INDEX tasks_due;"
  "CREATE INDEX tasks_due ON tasks (state, due_at, sale_id, position, due_has_time);"
  "DROP INDEX tasks_owner;"
  "CREATE INDEX tasks_owner ON tasks (owner_id, state, due_at, sale_id, position);";

/* Version 13: the funnel of now reads summaries instead of the history.
 * Without a filter, the funnel of a product used to fold every stay of
 * every sale (tens of thousands of rows a product on a big file); now it
 * reads a few rows a stage, kept by triggers in plain SQL, so any writer
 * keeps them:
 *  - stage_totals: per stage, the sales standing there and their amount
 *    (from sales), and its stays (from stage_intervals): how many, the
 *    seconds of the closed ones, and the open ones with the sum of their
 *    start times (time spent = closed + open × now − that sum).
 *  - sale_paths: per sale, its furthest open or won stage by position and
 *    the stage it stands at (its open stay); sale_sides: the paused and
 *    lost stages it ever saw.
 *  - funnel_paths and funnel_sides count those per product: sales by
 *    (furthest, current) and by (side stage seen, current); 0 is "none".
 * A stage's position or kind decides which stage is furthest, so an edit
 * of those marks the product in funnel_dirty: the funnel reads its history
 * until the store rebuilds the summaries (scim_store_write(), after the
 * write).  The stuck sales are a range of the open stays by start time
 * (stage_intervals_open_stage). */
#define SALE_PATH_RECOMPUTE(sale) \
  "  UPDATE sale_paths SET furthest_id = " SCIM_SCHEMA_SALE_FURTHEST (sale) "," \
  "   current_id = " SCIM_SCHEMA_SALE_CURRENT (sale) " WHERE sale_id = " sale ";"
#define STAYS_ADD(row) \
  "  INSERT INTO stage_totals (stage_id, stays, closed_seconds, open_stays, open_entered)" \
  "   VALUES (" row ".stage_id, 1, coalesce(" row ".left_at - " row ".entered_at, 0)," \
  "    " row ".left_at IS NULL, iif(" row ".left_at IS NULL, " row ".entered_at, 0))" \
  "   ON CONFLICT (stage_id) DO UPDATE SET stays = stays + 1, closed_seconds = closed_seconds + excluded.closed_seconds," \
  "    open_stays = open_stays + excluded.open_stays, open_entered = open_entered + excluded.open_entered;"
#define STAYS_REMOVE(row) \
  "  UPDATE stage_totals SET stays = stays - 1, closed_seconds = closed_seconds - coalesce(" row ".left_at - " row ".entered_at, 0)," \
  "   open_stays = open_stays - (" row ".left_at IS NULL)," \
  "   open_entered = open_entered - iif(" row ".left_at IS NULL, " row ".entered_at, 0)" \
  "   WHERE stage_id = " row ".stage_id;"
#define SALE_SIDES_ADD(sale) \
  "  INSERT OR IGNORE INTO sale_sides (sale_id, stage_id)" \
  "   SELECT i.sale_id, i.stage_id FROM stage_intervals i JOIN stages st ON st.id = i.stage_id" \
  "   WHERE i.sale_id = " sale " AND st.kind IN ('paused', 'lost');"
#define SALE_SIDES_PRUNE(sale) \
  "  DELETE FROM sale_sides WHERE sale_id = " sale \
  "   AND stage_id NOT IN (SELECT stage_id FROM stage_intervals WHERE sale_id = " sale ");"
#define FUNNEL_PATH_ADD(row) \
  "  INSERT INTO funnel_paths (product_id, furthest_id, current_id, sales)" \
  "   VALUES (" row ".product_id, coalesce(" row ".furthest_id, 0), coalesce(" row ".current_id, 0), 1)" \
  "   ON CONFLICT (product_id, furthest_id, current_id) DO UPDATE SET sales = sales + 1;"
#define FUNNEL_PATH_REMOVE(row) \
  "  UPDATE funnel_paths SET sales = sales - 1 WHERE product_id = " row ".product_id" \
  "   AND furthest_id = coalesce(" row ".furthest_id, 0) AND current_id = coalesce(" row ".current_id, 0);"

static const char schema_v13[] =
  "CREATE TABLE stage_totals ("
  "  stage_id INTEGER PRIMARY KEY,"
  "  sales INTEGER NOT NULL DEFAULT 0,"
  "  amount INTEGER NOT NULL DEFAULT 0,"
  "  stays INTEGER NOT NULL DEFAULT 0,"
  "  closed_seconds INTEGER NOT NULL DEFAULT 0,"
  "  open_stays INTEGER NOT NULL DEFAULT 0,"
  "  open_entered INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE sale_paths ("
  "  sale_id INTEGER PRIMARY KEY,"
  "  product_id INTEGER NOT NULL,"
  "  furthest_id INTEGER,"
  "  current_id INTEGER"
  ");"
  "CREATE INDEX sale_paths_product ON sale_paths (product_id);"
  "CREATE TABLE sale_sides ("
  "  sale_id INTEGER NOT NULL,"
  "  stage_id INTEGER NOT NULL,"
  "  PRIMARY KEY (sale_id, stage_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE funnel_paths ("
  "  product_id INTEGER NOT NULL,"
  "  furthest_id INTEGER NOT NULL,"
  "  current_id INTEGER NOT NULL,"
  "  sales INTEGER NOT NULL,"
  "  PRIMARY KEY (product_id, furthest_id, current_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE funnel_sides ("
  "  product_id INTEGER NOT NULL,"
  "  side_id INTEGER NOT NULL,"
  "  current_id INTEGER NOT NULL,"
  "  sales INTEGER NOT NULL,"
  "  PRIMARY KEY (product_id, side_id, current_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE funnel_dirty (product_id INTEGER PRIMARY KEY);"
  "CREATE INDEX stage_intervals_open_stage ON stage_intervals (stage_id, entered_at) WHERE left_at IS NULL;"

  /* The sales at each stage and their amount. */
  "CREATE TRIGGER sales_summary_insert AFTER INSERT ON sales BEGIN"
  "  INSERT INTO stage_totals (stage_id, sales, amount) VALUES (NEW.stage_id, 1, NEW.amount)"
  "   ON CONFLICT (stage_id) DO UPDATE SET sales = sales + 1, amount = amount + excluded.amount;"
  "END;"
  "CREATE TRIGGER sales_summary_delete AFTER DELETE ON sales BEGIN"
  "  UPDATE stage_totals SET sales = sales - 1, amount = amount - OLD.amount WHERE stage_id = OLD.stage_id;"
  "END;"
  "CREATE TRIGGER sales_summary_update AFTER UPDATE OF stage_id, amount ON sales "
  "WHEN OLD.stage_id IS NOT NEW.stage_id OR OLD.amount IS NOT NEW.amount BEGIN"
  "  UPDATE stage_totals SET sales = sales - 1, amount = amount - OLD.amount WHERE stage_id = OLD.stage_id;"
  "  INSERT INTO stage_totals (stage_id, sales, amount) VALUES (NEW.stage_id, 1, NEW.amount)"
  "   ON CONFLICT (stage_id) DO UPDATE SET sales = sales + 1, amount = amount + excluded.amount;"
  "END;"

  /* A stay begins (a move, or a sale's first stage). */
  "CREATE TRIGGER stage_intervals_summary_insert AFTER INSERT ON stage_intervals BEGIN"
  STAYS_ADD ("NEW")
  "  INSERT OR IGNORE INTO sale_paths (sale_id, product_id) VALUES (NEW.sale_id, NEW.product_id);"
  "  UPDATE sale_paths SET"
  "   furthest_id = iif((SELECT kind FROM stages WHERE id = NEW.stage_id) IN ('open', 'won')"
  "    AND (furthest_id IS NULL OR (SELECT position, id FROM stages WHERE id = NEW.stage_id)"
  "     > (SELECT position, id FROM stages WHERE id = furthest_id)), NEW.stage_id, furthest_id),"
  "   current_id = iif(NEW.left_at IS NULL, NEW.stage_id, current_id)"
  "   WHERE sale_id = NEW.sale_id;"
  "  INSERT OR IGNORE INTO sale_sides (sale_id, stage_id)"
  "   SELECT NEW.sale_id, NEW.stage_id FROM stages WHERE id = NEW.stage_id AND kind IN ('paused', 'lost');"
  "END;"
  /* A stay ends: only its times change. */
  "CREATE TRIGGER stage_intervals_summary_time AFTER UPDATE OF entered_at, left_at ON stage_intervals "
  "WHEN OLD.sale_id = NEW.sale_id AND OLD.stage_id = NEW.stage_id BEGIN"
  STAYS_REMOVE ("OLD")
  STAYS_ADD ("NEW")
  "  UPDATE sale_paths SET current_id = " SCIM_SCHEMA_SALE_CURRENT ("NEW.sale_id") " WHERE sale_id = NEW.sale_id;"
  "END;"
  /* Anything else an outside writer may do to a stay: the sales it
   * belonged to are worked out again. */
  "CREATE TRIGGER stage_intervals_summary_update AFTER UPDATE OF sale_id, stage_id ON stage_intervals "
  "WHEN OLD.sale_id IS NOT NEW.sale_id OR OLD.stage_id IS NOT NEW.stage_id BEGIN"
  STAYS_REMOVE ("OLD")
  STAYS_ADD ("NEW")
  "  INSERT OR IGNORE INTO sale_paths (sale_id, product_id) VALUES (NEW.sale_id, NEW.product_id);"
  SALE_SIDES_PRUNE ("OLD.sale_id")
  SALE_SIDES_ADD ("NEW.sale_id")
  SALE_PATH_RECOMPUTE ("OLD.sale_id")
  SALE_PATH_RECOMPUTE ("NEW.sale_id")
  "  DELETE FROM sale_paths WHERE sale_id = OLD.sale_id"
  "   AND NOT EXISTS (SELECT 1 FROM stage_intervals WHERE sale_id = OLD.sale_id);"
  "END;"
  /* A stay goes (its sale or its stage deleted). */
  "CREATE TRIGGER stage_intervals_summary_delete AFTER DELETE ON stage_intervals BEGIN"
  STAYS_REMOVE ("OLD")
  "  DELETE FROM sale_sides WHERE sale_id = OLD.sale_id AND stage_id = OLD.stage_id"
  "   AND NOT EXISTS (SELECT 1 FROM stage_intervals WHERE sale_id = OLD.sale_id AND stage_id = OLD.stage_id);"
  SALE_PATH_RECOMPUTE ("OLD.sale_id")
  "  DELETE FROM sale_paths WHERE sale_id = OLD.sale_id"
  "   AND NOT EXISTS (SELECT 1 FROM stage_intervals WHERE sale_id = OLD.sale_id);"
  "END;"

  /* The counts per product follow the sales' paths.  A sale's side stages
   * are counted at the stage it stands at, so they move with it. */
  "CREATE TRIGGER sale_paths_count_insert AFTER INSERT ON sale_paths BEGIN"
  FUNNEL_PATH_ADD ("NEW")
  "END;"
  "CREATE TRIGGER sale_paths_count_delete AFTER DELETE ON sale_paths BEGIN"
  FUNNEL_PATH_REMOVE ("OLD")
  "END;"
  "CREATE TRIGGER sale_paths_count_update AFTER UPDATE ON sale_paths "
  "WHEN OLD.furthest_id IS NOT NEW.furthest_id OR OLD.current_id IS NOT NEW.current_id "
  "OR OLD.product_id IS NOT NEW.product_id BEGIN"
  FUNNEL_PATH_REMOVE ("OLD")
  FUNNEL_PATH_ADD ("NEW")
  "  UPDATE funnel_sides SET sales = sales - 1 WHERE product_id = OLD.product_id"
  "   AND current_id = coalesce(OLD.current_id, 0)"
  "   AND side_id IN (SELECT stage_id FROM sale_sides WHERE sale_id = OLD.sale_id);"
  "  INSERT INTO funnel_sides (product_id, side_id, current_id, sales)"
  "   SELECT NEW.product_id, stage_id, coalesce(NEW.current_id, 0), 1 FROM sale_sides WHERE sale_id = NEW.sale_id"
  "   ON CONFLICT (product_id, side_id, current_id) DO UPDATE SET sales = sales + 1;"
  "END;"
  "CREATE TRIGGER sale_sides_count_insert AFTER INSERT ON sale_sides BEGIN"
  "  INSERT INTO funnel_sides (product_id, side_id, current_id, sales)"
  "   SELECT p.product_id, NEW.stage_id, coalesce(p.current_id, 0), 1 FROM sale_paths p WHERE p.sale_id = NEW.sale_id"
  "   ON CONFLICT (product_id, side_id, current_id) DO UPDATE SET sales = sales + 1;"
  "END;"
  "CREATE TRIGGER sale_sides_count_delete AFTER DELETE ON sale_sides BEGIN"
  "  UPDATE funnel_sides SET sales = sales - 1"
  "   WHERE (product_id, side_id, current_id) ="
  "    (SELECT p.product_id, OLD.stage_id, coalesce(p.current_id, 0) FROM sale_paths p WHERE p.sale_id = OLD.sale_id);"
  "END;"

  /* Which stage is furthest depends on the stages' order and kinds. */
  "CREATE TRIGGER stages_summary_dirty AFTER UPDATE OF position, kind, product_id ON stages "
  "WHEN OLD.position IS NOT NEW.position OR OLD.kind IS NOT NEW.kind OR OLD.product_id IS NOT NEW.product_id BEGIN"
  "  INSERT OR IGNORE INTO funnel_dirty (product_id) VALUES (OLD.product_id), (NEW.product_id);"
  "END;"
  "CREATE TRIGGER stages_summary_delete AFTER DELETE ON stages BEGIN"
  "  DELETE FROM stage_totals WHERE stage_id = OLD.id;"
  "END;";

static const ScimMigration migrations[] = {
  { 1, schema_v1, NULL },
  { 2, schema_v2, NULL },
  { 3, schema_v3, NULL },
  { 4, schema_v4, NULL },
  { 5, schema_v5, NULL },
  { 6, schema_v6, NULL },
  { 7, schema_v7, NULL },
  { 8, schema_v8, NULL },
  { 9, schema_v9, NULL },
  { 10, schema_v10, NULL },
  { 11, schema_v11, NULL },
  { 12, schema_v12, NULL },
  { 13, schema_v13, _scim_tx_rebuild_funnel_summaries },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SCIM_SCHEMA_VERSION);

const ScimMigration *
_scim_schema_get_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
