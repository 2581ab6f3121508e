/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-store-import"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scim-csv.h"
#include "scim-format.h"
#include "scim-leads.h"
#include "scim-query.h"
#include "scim-store-private.h"

/* CSV import and export of leads.
 *
 * An import reads the file twice over in spirit but once in fact: a first
 * pass streams it through the CSV reader, checks every row, looks for
 * duplicates, and stages the good rows in a TEMP table of the store's
 * connection (temp tables live outside the database file, so staging takes
 * no lock on it).  Only then does one short write transaction copy the
 * staged rows into `leads` with a single INSERT … SELECT.  So the import is
 * all or nothing, a 200 MB file never sits in memory, and the write lock is
 * held for the copy only, not for the parsing.
 *
 * Duplicates are found through hash tables of normalized keys (e-mail,
 * the last 10 digits of each phone, tax id) loaded once, in one read
 * transaction, from every lead, client and contact; each good row then adds
 * its own keys, so duplicates within the file are caught too. */

/* How many staged rows are written to the temp table at a time; the store
 * lock is released between batches so that other threads may use it. */
#define STAGE_BATCH 2000
/* How many leads an export loads at a time. */
#define EXPORT_BATCH 500

typedef enum
{
  ORIGIN_LEAD,
  ORIGIN_CLIENT,
  ORIGIN_LINE,
} OriginKind;

typedef struct
{
  gint64     id;       /* a lead id, a client id, or a line of the file */
  OriginKind kind;
} Origin;

typedef enum
{
  KEY_EMAIL,
  KEY_PHONE,
  KEY_TAX_ID,
  KEY_SOURCE_ID,
  KEY_LEAD,
} KeyKind;

/* A duplicate found in the first pass; its reason is written once the
 * names of the leads and clients it matched have been read. */
typedef struct
{
  guint   line;
  KeyKind key;
  char   *value;
  Origin  origin;
} Duplicate;

/* A good row, waiting to be written to the temp table. */
typedef struct
{
  guint  line;
  char  *text[11];     /* name, company, position, phone, email, tax_id, source, channel,
                        * source_id, source_status, source_owner */
  char  *notes;
  gint64 product_id;
  gint64 received_at;
  gint64 owner_id;
  gint64 lead_id;      /* the existing lead this row updates, 0: a new lead */
  ScimImportOwner *unknown; /* its owner, when no user */
} StagedRow;

typedef struct
{
  ScimStore               *store;
  const ScimImportOptions *options;
  ScimLeadField           *mapping;     /* one per column */
  guint                    n_columns;
  GStrv                    header;
  gint64                   import_id;

  /* Loaded once at the start. */
  gint64                   user_id;
  gboolean                 may_accept;
  GHashTable              *products;    /* folded name → id */
  GHashTable              *users;       /* folded login, e-mail or scim_fold_name() of the full
                                         * name → id, -1 when ambiguous */
  GHashTable              *lead_sources;/* lead id → its source id, for leads that have one */
  GHashTable              *matched;     /* lead id → the line that matched it */
  GHashTable              *unknown;     /* scim_fold_name() of an unknown owner → ScimImportOwner */
  ScimImportReport        *report;
  GStringChunk            *chunk;
  GHashTable              *keys;        /* "e:…", "p:…", "t:…" → origin index + 1 */
  GArray                  *origins;

  /* The first pass. */
  GArray                  *duplicates;  /* Duplicate */
  GPtrArray               *staged;      /* StagedRow, the current batch */
  gboolean                 staging;     /* rows go to the temp table */
  gboolean                 has_owner;   /* some row names a salesperson */
  guint                    owner_column;
  guint                    owner_line;

  /* The write. */
  GCancellable            *cancellable;
  guint                    n_staged;
  guint                    inserted;
  guint                    updated;
  guint                    n_matched;
} Import;

static const struct
{
  const char *id;
  const char *label;
} field_names[SCIM_LEAD_N_FIELDS] = {
  [SCIM_LEAD_FIELD_IGNORE] = { "ignore", N_("Ignore") },
  [SCIM_LEAD_FIELD_NAME] = { "name", N_("Name") },
  [SCIM_LEAD_FIELD_COMPANY] = { "company", N_("Company") },
  [SCIM_LEAD_FIELD_POSITION] = { "position", N_("Position") },
  [SCIM_LEAD_FIELD_PHONE] = { "phone", N_("Phone") },
  [SCIM_LEAD_FIELD_EMAIL] = { "email", N_("E-mail") },
  [SCIM_LEAD_FIELD_TAX_ID] = { "tax_id", N_("Tax ID") },
  [SCIM_LEAD_FIELD_SOURCE] = { "source", N_("Source") },
  [SCIM_LEAD_FIELD_CHANNEL] = { "channel", N_("Channel") },
  [SCIM_LEAD_FIELD_PRODUCT] = { "product", N_("Product") },
  [SCIM_LEAD_FIELD_NOTES] = { "notes", N_("Notes") },
  [SCIM_LEAD_FIELD_RECEIVED] = { "received", N_("Received") },
  [SCIM_LEAD_FIELD_AMOUNT] = { "amount", N_("Amount") },
  [SCIM_LEAD_FIELD_OWNER] = { "owner", N_("Salesperson") },
  [SCIM_LEAD_FIELD_SOURCE_ID] = { "source_id", N_("ID in the source") },
  [SCIM_LEAD_FIELD_SOURCE_STATUS] = { "source_status", N_("Status in the source") },
};

/* Header texts of other CRMs and of spreadsheets, as fold_header() leaves
 * them: lower case, without punctuation, "ё" as "е", single spaces.  Only
 * headers whose meaning is clear are here: "Дата рождения" must not become
 * the date the lead came in. */
static const struct
{
  const char    *header;
  ScimLeadField  field;
} synonyms[] = {
  { "имя", SCIM_LEAD_FIELD_NAME },
  { "фио", SCIM_LEAD_FIELD_NAME },
  { "фамилия", SCIM_LEAD_FIELD_NAME },
  { "отчество", SCIM_LEAD_FIELD_NAME },
  { "имя фамилия", SCIM_LEAD_FIELD_NAME },
  { "фамилия имя", SCIM_LEAD_FIELD_NAME },
  { "фамилия имя отчество", SCIM_LEAD_FIELD_NAME },
  { "контактное лицо", SCIM_LEAD_FIELD_NAME },
  { "контакт", SCIM_LEAD_FIELD_NAME },
  { "имя клиента", SCIM_LEAD_FIELD_NAME },
  { "имя контакта", SCIM_LEAD_FIELD_NAME },
  { "name", SCIM_LEAD_FIELD_NAME },
  { "contact", SCIM_LEAD_FIELD_NAME },
  { "contact name", SCIM_LEAD_FIELD_NAME },
  { "contact person", SCIM_LEAD_FIELD_NAME },
  { "full name", SCIM_LEAD_FIELD_NAME },
  { "fullname", SCIM_LEAD_FIELD_NAME },
  { "first name", SCIM_LEAD_FIELD_NAME },
  { "last name", SCIM_LEAD_FIELD_NAME },
  { "surname", SCIM_LEAD_FIELD_NAME },

  { "компания", SCIM_LEAD_FIELD_COMPANY },
  { "организация", SCIM_LEAD_FIELD_COMPANY },
  { "название компании", SCIM_LEAD_FIELD_COMPANY },
  { "наименование организации", SCIM_LEAD_FIELD_COMPANY },
  { "фирма", SCIM_LEAD_FIELD_COMPANY },
  { "юрлицо", SCIM_LEAD_FIELD_COMPANY },
  { "юр лицо", SCIM_LEAD_FIELD_COMPANY },
  { "company", SCIM_LEAD_FIELD_COMPANY },
  { "company name", SCIM_LEAD_FIELD_COMPANY },
  { "organization", SCIM_LEAD_FIELD_COMPANY },
  { "organisation", SCIM_LEAD_FIELD_COMPANY },

  { "должность", SCIM_LEAD_FIELD_POSITION },
  { "position", SCIM_LEAD_FIELD_POSITION },
  { "title", SCIM_LEAD_FIELD_POSITION },
  { "job title", SCIM_LEAD_FIELD_POSITION },

  { "телефон", SCIM_LEAD_FIELD_PHONE },
  { "тел", SCIM_LEAD_FIELD_PHONE },
  { "номер телефона", SCIM_LEAD_FIELD_PHONE },
  { "мобильный", SCIM_LEAD_FIELD_PHONE },
  { "мобильный телефон", SCIM_LEAD_FIELD_PHONE },
  { "сотовый", SCIM_LEAD_FIELD_PHONE },
  { "рабочий телефон", SCIM_LEAD_FIELD_PHONE },
  { "phone", SCIM_LEAD_FIELD_PHONE },
  { "phone number", SCIM_LEAD_FIELD_PHONE },
  { "telephone", SCIM_LEAD_FIELD_PHONE },
  { "tel", SCIM_LEAD_FIELD_PHONE },
  { "mobile", SCIM_LEAD_FIELD_PHONE },
  { "mobile phone", SCIM_LEAD_FIELD_PHONE },
  { "work phone", SCIM_LEAD_FIELD_PHONE },

  { "email", SCIM_LEAD_FIELD_EMAIL },
  { "почта", SCIM_LEAD_FIELD_EMAIL },
  { "эл почта", SCIM_LEAD_FIELD_EMAIL },
  { "электронная почта", SCIM_LEAD_FIELD_EMAIL },
  { "адрес электронной почты", SCIM_LEAD_FIELD_EMAIL },
  { "емейл", SCIM_LEAD_FIELD_EMAIL },
  { "имейл", SCIM_LEAD_FIELD_EMAIL },
  { "email address", SCIM_LEAD_FIELD_EMAIL },
  { "mail", SCIM_LEAD_FIELD_EMAIL },

  { "инн", SCIM_LEAD_FIELD_TAX_ID },
  { "инн организации", SCIM_LEAD_FIELD_TAX_ID },
  { "tax id", SCIM_LEAD_FIELD_TAX_ID },
  { "taxid", SCIM_LEAD_FIELD_TAX_ID },
  { "tin", SCIM_LEAD_FIELD_TAX_ID },
  { "vat", SCIM_LEAD_FIELD_TAX_ID },
  { "vat id", SCIM_LEAD_FIELD_TAX_ID },
  { "vat number", SCIM_LEAD_FIELD_TAX_ID },

  { "источник", SCIM_LEAD_FIELD_SOURCE },
  { "источник лида", SCIM_LEAD_FIELD_SOURCE },
  { "источник заявки", SCIM_LEAD_FIELD_SOURCE },
  { "source", SCIM_LEAD_FIELD_SOURCE },
  { "lead source", SCIM_LEAD_FIELD_SOURCE },

  { "канал", SCIM_LEAD_FIELD_CHANNEL },
  { "канал привлечения", SCIM_LEAD_FIELD_CHANNEL },
  { "рекламный канал", SCIM_LEAD_FIELD_CHANNEL },
  { "channel", SCIM_LEAD_FIELD_CHANNEL },
  { "marketing channel", SCIM_LEAD_FIELD_CHANNEL },
  { "utm source", SCIM_LEAD_FIELD_CHANNEL },
  { "utmsource", SCIM_LEAD_FIELD_CHANNEL },

  { "продукт", SCIM_LEAD_FIELD_PRODUCT },
  { "услуга", SCIM_LEAD_FIELD_PRODUCT },
  { "товар", SCIM_LEAD_FIELD_PRODUCT },
  { "интерес", SCIM_LEAD_FIELD_PRODUCT },
  { "product", SCIM_LEAD_FIELD_PRODUCT },
  { "service", SCIM_LEAD_FIELD_PRODUCT },
  { "interest", SCIM_LEAD_FIELD_PRODUCT },
  { "product of interest", SCIM_LEAD_FIELD_PRODUCT },

  { "комментарий", SCIM_LEAD_FIELD_NOTES },
  { "комментарии", SCIM_LEAD_FIELD_NOTES },
  { "примечание", SCIM_LEAD_FIELD_NOTES },
  { "примечания", SCIM_LEAD_FIELD_NOTES },
  { "заметки", SCIM_LEAD_FIELD_NOTES },
  { "notes", SCIM_LEAD_FIELD_NOTES },
  { "note", SCIM_LEAD_FIELD_NOTES },
  { "comment", SCIM_LEAD_FIELD_NOTES },
  { "comments", SCIM_LEAD_FIELD_NOTES },

  { "дата", SCIM_LEAD_FIELD_RECEIVED },
  { "дата поступления", SCIM_LEAD_FIELD_RECEIVED },
  { "дата создания", SCIM_LEAD_FIELD_RECEIVED },
  { "дата обращения", SCIM_LEAD_FIELD_RECEIVED },
  { "дата заявки", SCIM_LEAD_FIELD_RECEIVED },
  { "создан", SCIM_LEAD_FIELD_RECEIVED },
  { "создана", SCIM_LEAD_FIELD_RECEIVED },
  { "поступил", SCIM_LEAD_FIELD_RECEIVED },
  { "получен", SCIM_LEAD_FIELD_RECEIVED },
  { "received", SCIM_LEAD_FIELD_RECEIVED },
  { "received at", SCIM_LEAD_FIELD_RECEIVED },
  { "date", SCIM_LEAD_FIELD_RECEIVED },
  { "created", SCIM_LEAD_FIELD_RECEIVED },
  { "created at", SCIM_LEAD_FIELD_RECEIVED },
  { "date created", SCIM_LEAD_FIELD_RECEIVED },
  { "creation date", SCIM_LEAD_FIELD_RECEIVED },

  { "сумма", SCIM_LEAD_FIELD_AMOUNT },
  { "бюджет", SCIM_LEAD_FIELD_AMOUNT },
  { "сумма сделки", SCIM_LEAD_FIELD_AMOUNT },
  { "amount", SCIM_LEAD_FIELD_AMOUNT },
  { "budget", SCIM_LEAD_FIELD_AMOUNT },
  { "deal amount", SCIM_LEAD_FIELD_AMOUNT },

  /* Bitrix24, amoCRM, Pipedrive and HubSpot name their columns so. */
  { "рабочий email", SCIM_LEAD_FIELD_EMAIL },
  { "частный email", SCIM_LEAD_FIELD_EMAIL },
  { "рабочий email контакт", SCIM_LEAD_FIELD_EMAIL },
  { "личный email контакт", SCIM_LEAD_FIELD_EMAIL },
  { "рабочий телефон контакт", SCIM_LEAD_FIELD_PHONE },
  { "мобильный телефон контакт", SCIM_LEAD_FIELD_PHONE },
  { "основной контакт", SCIM_LEAD_FIELD_NAME },
  { "полное имя контакт", SCIM_LEAD_FIELD_NAME },
  { "компания контакта", SCIM_LEAD_FIELD_COMPANY },
  { "person name", SCIM_LEAD_FIELD_NAME },
  { "person email", SCIM_LEAD_FIELD_EMAIL },
  { "person phone", SCIM_LEAD_FIELD_PHONE },
  { "organization name", SCIM_LEAD_FIELD_COMPANY },
  { "add time", SCIM_LEAD_FIELD_RECEIVED },
  { "lead created", SCIM_LEAD_FIELD_RECEIVED },
  { "create date", SCIM_LEAD_FIELD_RECEIVED },
  { "created date", SCIM_LEAD_FIELD_RECEIVED },
  { "created time", SCIM_LEAD_FIELD_RECEIVED },
  { "дата создания лида", SCIM_LEAD_FIELD_RECEIVED },
  { "original source", SCIM_LEAD_FIELD_SOURCE },

  { "id", SCIM_LEAD_FIELD_SOURCE_ID },
  { "идентификатор", SCIM_LEAD_FIELD_SOURCE_ID },
  { "record id", SCIM_LEAD_FIELD_SOURCE_ID },
  { "lead id", SCIM_LEAD_FIELD_SOURCE_ID },
  { "contact id", SCIM_LEAD_FIELD_SOURCE_ID },
  { "deal id", SCIM_LEAD_FIELD_SOURCE_ID },
  { "id лида", SCIM_LEAD_FIELD_SOURCE_ID },
  { "id сделки", SCIM_LEAD_FIELD_SOURCE_ID },

  { "статус", SCIM_LEAD_FIELD_SOURCE_STATUS },
  { "статус лида", SCIM_LEAD_FIELD_SOURCE_STATUS },
  { "стадия", SCIM_LEAD_FIELD_SOURCE_STATUS },
  { "стадия сделки", SCIM_LEAD_FIELD_SOURCE_STATUS },
  { "этап", SCIM_LEAD_FIELD_SOURCE_STATUS },
  { "этап сделки", SCIM_LEAD_FIELD_SOURCE_STATUS },
  { "status", SCIM_LEAD_FIELD_SOURCE_STATUS },
  { "lead status", SCIM_LEAD_FIELD_SOURCE_STATUS },
  { "stage", SCIM_LEAD_FIELD_SOURCE_STATUS },
  { "deal stage", SCIM_LEAD_FIELD_SOURCE_STATUS },
  { "lifecycle stage", SCIM_LEAD_FIELD_SOURCE_STATUS },

  { "ответственный", SCIM_LEAD_FIELD_OWNER },
  { "ответственный менеджер", SCIM_LEAD_FIELD_OWNER },
  { "менеджер", SCIM_LEAD_FIELD_OWNER },
  { "продавец", SCIM_LEAD_FIELD_OWNER },
  { "owner", SCIM_LEAD_FIELD_OWNER },
  { "lead owner", SCIM_LEAD_FIELD_OWNER },
  { "salesperson", SCIM_LEAD_FIELD_OWNER },
  { "sales manager", SCIM_LEAD_FIELD_OWNER },
  { "manager", SCIM_LEAD_FIELD_OWNER },
  { "responsible", SCIM_LEAD_FIELD_OWNER },
  { "assigned to", SCIM_LEAD_FIELD_OWNER },
  { "contact owner", SCIM_LEAD_FIELD_OWNER },
  { "deal owner", SCIM_LEAD_FIELD_OWNER },
};

/* Fields and headers */

/**
 * scim_lead_field_to_string:
 * @field: a field
 *
 * Returns: (transfer none): the field's name in scripts: "name", "email",
 *   "tax_id", "ignore"…
 */
const char *
scim_lead_field_to_string (ScimLeadField field)
{
  g_return_val_if_fail (field < SCIM_LEAD_N_FIELDS, "ignore");
  return field_names[field].id;
}

/**
 * scim_lead_field_get_label:
 * @field: a field
 *
 * Returns: (transfer none): the field's translated name, for people
 */
const char *
scim_lead_field_get_label (ScimLeadField field)
{
  g_return_val_if_fail (field < SCIM_LEAD_N_FIELDS, "");
  return _(field_names[field].label);
}

/**
 * scim_lead_field_from_string:
 * @text: a name from scim_lead_field_to_string(), in any case; "tax-id"
 *   is read as "tax_id"
 * @field: (out): the field
 *
 * Returns: whether @text names a field
 */
gboolean
scim_lead_field_from_string (const char    *text,
                             ScimLeadField *field)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (field != NULL, FALSE);
  if (text == NULL)
    return FALSE;
  key = g_ascii_strdown (text, -1);
  g_strstrip (key);
  g_strdelimit (key, "-", '_');
  for (guint i = 0; i < SCIM_LEAD_N_FIELDS; i++)
    if (g_str_equal (key, field_names[i].id))
      {
        *field = (ScimLeadField) i;
        return TRUE;
      }
  return FALSE;
}

/* A header as compared with the synonyms: case folded, "ё" as "е", every
 * punctuation mark dropped (so "E-mail" is "email" and "Тел." is "тел"),
 * underscores and runs of blanks as one space, and a trailing number cut
 * ("Телефон 2" is another phone). */
static char *
fold_header (const char *header)
{
  g_autofree char *normal = g_utf8_normalize (header, -1, G_NORMALIZE_ALL_COMPOSE);
  g_autofree char *folded = g_utf8_casefold (normal != NULL ? normal : header, -1);
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x0451)       /* ё */
        c = 0x0435;          /* е */
      if (g_unichar_isspace (c) || c == '_')
        {
          space = out->len > 0;
          continue;
        }
      if (!g_unichar_isalnum (c))
        continue;
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_unichar (out, c);
    }

  /* "Phone 2", "Телефон2" */
  while (out->len > 0 && g_ascii_isdigit (out->str[out->len - 1]))
    g_string_truncate (out, out->len - 1);
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/**
 * scim_lead_field_guess:
 * @header: a column header of a CSV file
 *
 * Maps the headers of other CRMs' and spreadsheets' exports, in Russian
 * and English, to lead fields where the meaning is clear; our own export's
 * headers map back in any language.  Case, punctuation and surrounding
 * blanks do not matter.
 *
 * Returns: the field, or %SCIM_LEAD_FIELD_IGNORE
 */
ScimLeadField
scim_lead_field_guess (const char *header)
{
  g_autofree char *key = NULL;

  if (header == NULL || !g_utf8_validate (header, -1, NULL))
    return SCIM_LEAD_FIELD_IGNORE;
  key = fold_header (header);
  if (key[0] == '\0')
    return SCIM_LEAD_FIELD_IGNORE;

  for (guint i = 0; i < G_N_ELEMENTS (synonyms); i++)
    if (g_str_equal (key, synonyms[i].header))
      return synonyms[i].field;

  /* Our own labels, translated or not, and the script names. */
  for (guint i = 1; i < SCIM_LEAD_N_FIELDS; i++)
    {
      g_autofree char *label = fold_header (field_names[i].label);
      g_autofree char *translated = fold_header (_(field_names[i].label));
      g_autofree char *id = fold_header (field_names[i].id);

      if (g_str_equal (key, label) || g_str_equal (key, translated) || g_str_equal (key, id))
        return (ScimLeadField) i;
    }
  return SCIM_LEAD_FIELD_IGNORE;
}

/* Reports */

static void
issue_free (ScimImportIssue *issue)
{
  if (issue == NULL)
    return;
  g_free (issue->reason);
  g_strfreev (issue->cells);
  g_free (issue);
}

static ScimImportIssue *
add_issue (GPtrArray  *issues,
           guint       line,
           char       *reason)
{
  ScimImportIssue *issue = g_new0 (ScimImportIssue, 1);

  issue->line = line;
  issue->reason = reason;
  g_ptr_array_add (issues, issue);
  return issue;
}

static GStrv
copy_cells (GPtrArray *fields)
{
  GStrv cells = g_new0 (char *, fields->len + 1);

  for (guint i = 0; i < fields->len; i++)
    cells[i] = g_strdup (g_ptr_array_index (fields, i));
  return cells;
}

static void
owner_free (ScimImportOwner *owner)
{
  if (owner == NULL)
    return;
  g_free (owner->name);
  g_free (owner->key);
  g_free (owner);
}

static ScimImportReport *
report_new (void)
{
  ScimImportReport *report = g_new0 (ScimImportReport, 1);

  report->duplicates = g_ptr_array_new_with_free_func ((GDestroyNotify) issue_free);
  report->refused = g_ptr_array_new_with_free_func ((GDestroyNotify) issue_free);
  report->unknown_owners = g_ptr_array_new_with_free_func ((GDestroyNotify) owner_free);
  report->preview = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  return report;
}

/**
 * scim_import_report_free:
 * @report: (transfer full) (nullable): a report
 */
void
scim_import_report_free (ScimImportReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->duplicates, g_ptr_array_unref);
  g_clear_pointer (&report->refused, g_ptr_array_unref);
  g_clear_pointer (&report->unknown_owners, g_ptr_array_unref);
  g_clear_pointer (&report->preview, g_ptr_array_unref);
  g_clear_pointer (&report->header, g_strfreev);
  g_free (report->encoding);
  g_free (report);
}

/* Errors */

/* The store's vocabulary for what went wrong with the file: the reader's
 * own messages already name the line. */
static void
set_file_error (GError     **error,
                GError      *local,
                GFile       *file,
                const char  *cancelled)
{
  g_autofree char *name = NULL;

  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_set_error_literal (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED, cancelled);
      return;
    }
  if (local->domain == SCIM_CSV_ERROR)
    {
      g_set_error_literal (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, local->message);
      return;
    }
  name = g_file_get_parse_name (file);
  g_set_error (error, SCIM_STORE_ERROR,
               g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? SCIM_STORE_ERROR_NOT_FOUND
                                                                         : SCIM_STORE_ERROR_FAILED,
               _("Cannot read “%s”: %s"), name, local->message);
}

/* The reader's messages start with "Line N: "; the report keeps the number
 * and the rest apart. */
static char *
split_line_message (const char *message,
                    guint      *line)
{
  const char *p = message;
  const char *colon;

  while (*p != '\0' && !g_ascii_isdigit (*p))
    p++;
  *line = (guint) g_ascii_strtoull (p, NULL, 10);
  colon = strstr (p, ": ");
  return g_strdup (colon != NULL ? colon + 2 : message);
}

/* Opening */

static ScimCsvReader *
open_reader (GFile          *file,
             GCancellable   *cancellable,
             guint64        *size,
             GError        **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local = NULL;
  ScimCsvReader *reader;

  stream = g_file_read (file, cancellable, &local);
  if (stream == NULL)
    {
      set_file_error (error, local, file, _("Cancelled."));
      return NULL;
    }
  if (size != NULL)
    {
      g_autoptr(GFileInfo) info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                                  cancellable, NULL);

      *size = info != NULL ? (guint64) g_file_info_get_size (info) : 0;
    }
  reader = scim_csv_reader_new (G_INPUT_STREAM (stream), NULL, cancellable, &local);
  if (reader == NULL)
    set_file_error (error, local, file, _("Cancelled."));
  return reader;
}

/* The header: the first record.  A file whose first line cannot be read
 * is refused whole: without a header no column means anything. */
static GStrv
read_header (ScimCsvReader  *reader,
             GFile          *file,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) local = NULL;
  GStrv header;

  if (!scim_csv_reader_next (reader, &fields, NULL, cancellable, &local))
    {
      if (local == NULL)
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                     _("The file is empty. Choose a CSV file with a header row and at least one row of data."));
      else
        set_file_error (error, local, file, _("Cancelled."));
      return NULL;
    }
  header = g_new0 (char *, fields->len + 1);
  for (guint i = 0; i < fields->len; i++)
    header[i] = g_strstrip (g_strdup (g_ptr_array_index (fields, i)));
  return header;
}

/* Preview */

/**
 * scim_store_preview_leads:
 * @store: a #ScimStore
 * @file: a CSV file
 * @n_rows: how many rows to show
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Reads the header and the first @n_rows rows (shorter rows padded with
 * empty cells), and tells the encoding and the delimiter.  Guess the
 * mapping of each header with scim_lead_field_guess().  Rows with a quote
 * in the wrong place are left out here; the import lists them.
 *
 * Returns: (transfer full): a report with header, preview, encoding and
 *   delimiter, or %NULL with @error set when the file cannot be read
 */
ScimImportReport *
scim_store_preview_leads (ScimStore     *store,
                          GFile         *file,
                          guint          n_rows,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(ScimCsvReader) reader = NULL;
  g_autoptr(ScimImportReport) report = report_new ();
  guint n_header;

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  reader = open_reader (file, cancellable, NULL, error);
  if (reader == NULL)
    return NULL;
  report->encoding = g_strdup (scim_csv_reader_get_encoding_name (reader));
  report->delimiter = scim_csv_reader_get_delimiter (reader);
  report->header = read_header (reader, file, cancellable, error);
  if (report->header == NULL)
    return NULL;
  n_header = g_strv_length (report->header);

  while (report->preview->len < n_rows)
    {
      g_autoptr(GPtrArray) fields = NULL;
      g_autoptr(GError) local = NULL;
      GStrv cells;
      guint n;

      if (!scim_csv_reader_next (reader, &fields, NULL, cancellable, &local))
        {
          if (local == NULL)
            break;
          if (g_error_matches (local, SCIM_CSV_ERROR, SCIM_CSV_ERROR_BAD_QUOTE))
            continue;
          set_file_error (error, local, file, _("Cancelled."));
          return NULL;
        }
      n = MAX (fields->len, n_header);
      cells = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        cells[i] = g_strdup (i < fields->len ? (const char *) g_ptr_array_index (fields, i) : "");
      g_ptr_array_add (report->preview, cells);
      report->rows++;
    }
  return g_steal_pointer (&report);
}

/* Keys */

static char *
fold_name (const char *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *normal = g_utf8_normalize (trimmed, -1, G_NORMALIZE_ALL_COMPOSE);

  return g_utf8_casefold (normal != NULL ? normal : trimmed, -1);
}

static gboolean
is_list_separator (char c)
{
  return c == '\n' || c == '\r' || c == ',' || c == ';';
}

/* Calls @func with the key of each phone in @phones (one per line, or
 * separated by commas or semicolons): "p:" and its last 10 digits, as the
 * client duplicate check compares them.  Fewer than 5 digits is no phone. */
static void
foreach_phone_key (const char *phones,
                   void      (*func) (const char *key, gpointer data),
                   gpointer    data)
{
  if (phones == NULL)
    return;
  for (const char *p = phones; *p != '\0';)
    {
      char digits[66] = "p:";
      guint n = 0;

      while (*p != '\0' && !is_list_separator (*p))
        {
          if (g_ascii_isdigit (*p) && n < 63)
            digits[2 + n++] = *p;
          p++;
        }
      while (*p != '\0' && is_list_separator (*p))
        p++;
      digits[2 + n] = '\0';
      if (n < 5)
        continue;
      if (n > 10)
        memmove (digits + 2, digits + 2 + n - 10, 11);
      func (digits, data);
    }
}

static void
foreach_email_key (const char *emails,
                   void      (*func) (const char *key, gpointer data),
                   gpointer    data)
{
  g_auto(GStrv) parts = NULL;

  if (emails == NULL || strchr (emails, '@') == NULL)
    return;
  parts = g_strsplit_set (emails, "\n\r,; \t", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *normal = scim_csv_normalize_email (parts[i]);

      if (normal[0] != '\0')
        {
          g_autofree char *key = g_strconcat ("e:", normal, NULL);
          func (key, data);
        }
    }
}

/* Tax ids are compared by their letters and digits only. */
static char *
tax_key (const char *tax_id)
{
  GString *key = g_string_new ("t:");
  gboolean nonzero = FALSE;

  for (const char *p = tax_id != NULL ? tax_id : ""; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      {
        g_string_append_c (key, g_ascii_toupper (*p));
        nonzero |= *p != '0';
      }
  if (!nonzero)
    {
      g_string_free (key, TRUE);
      return NULL;
    }
  return g_string_free (key, FALSE);
}

typedef struct
{
  Import *import;
  guint   origin;      /* index + 1 */
} AddKey;

static void
add_key_cb (const char *key,
            gpointer    data)
{
  AddKey *add = data;

  if (!g_hash_table_contains (add->import->keys, key))
    g_hash_table_insert (add->import->keys, g_string_chunk_insert (add->import->chunk, key),
                         GUINT_TO_POINTER (add->origin));
}

static guint
add_origin (Import     *import,
            OriginKind  kind,
            gint64      id)
{
  Origin origin = { id, kind };

  g_array_append_val (import->origins, origin);
  return import->origins->len;
}

static void
add_keys (Import     *import,
          OriginKind  kind,
          gint64      id,
          const char *tax_id,
          const char *phones,
          const char *emails)
{
  g_autofree char *tax = tax_key (tax_id);
  AddKey add = { import, add_origin (import, kind, id) };

  if (tax != NULL)
    add_key_cb (tax, &add);
  foreach_phone_key (phones, add_key_cb, &add);
  foreach_email_key (emails, add_key_cb, &add);
}

/* Loading */

static gboolean
load_keys (ScimTx      *tx,
           Import      *import,
           const char  *sql,
           OriginKind   kind,
           GError     **error)
{
  sqlite3_stmt *stmt = _scim_store_prepare (tx->store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    add_keys (import, kind, sqlite3_column_int64 (stmt, 0), (const char *) sqlite3_column_text (stmt, 1),
              (const char *) sqlite3_column_text (stmt, 2), (const char *) sqlite3_column_text (stmt, 3));
  return rc == SQLITE_DONE;
}

static gboolean
load_cb (ScimTx    *tx,
         gpointer   user_data,
         GError   **error)
{
  Import *import = user_data;
  sqlite3_stmt *stmt;
  int rc;

  g_hash_table_remove_all (import->products);
  g_hash_table_remove_all (import->users);
  g_hash_table_remove_all (import->keys);
  g_hash_table_remove_all (import->lead_sources);
  g_array_set_size (import->origins, 0);

  import->user_id = tx->user_id;
  if (tx->user_id == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Sign in first: importing leads needs a user."));
      return FALSE;
    }
  stmt = _scim_store_prepare (tx->store,
                              "SELECT may_accept = 1 OR role IN ('head', 'admin') FROM users WHERE id = ? AND active = 1",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", tx->user_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SCIM_STMT_ERROR)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Sign in first: importing leads needs a user."));
      return FALSE;
    }
  import->may_accept = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);

  stmt = _scim_store_prepare (tx->store, "SELECT id, name FROM products", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    g_hash_table_insert (import->products, fold_name ((const char *) sqlite3_column_text (stmt, 1)),
                         g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 0) }, sizeof (gint64)));
  if (rc != SQLITE_DONE)
    return FALSE;

  /* Owners as other CRMs write them: a full name in either order ("Иванова
   * Анна"), an e-mail, a login.  Full names first, then e-mails, then
   * logins, so that a login always wins; two users of one name make that
   * name ambiguous (-1). */
  stmt = _scim_store_prepare (tx->store, "SELECT id, full_name, email, login FROM users WHERE active = 1", error);
  if (stmt == NULL)
    return FALSE;
  for (guint pass = 0; pass < 3; pass++)
    {
      while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, 1 + (int) pass);
          g_autofree char *key = pass == 0 ? scim_fold_name (text) : scim_fold (text);
          gint64 id = sqlite3_column_int64 (stmt, 0);
          gint64 *old = g_hash_table_lookup (import->users, key);

          if (key[0] == '\0')
            continue;
          if (pass < 2 && old != NULL && *old != id)
            id = -1;
          g_hash_table_insert (import->users, g_steal_pointer (&key), g_memdup2 (&id, sizeof id));
        }
      if (rc != SQLITE_DONE)
        return FALSE;
    }

  if (import->options->keep_duplicates)
    return TRUE;

  /* Leads imported before, by the source's own id: first, so that a
   * source id always finds its lead. */
  stmt = _scim_store_prepare (tx->store, "SELECT id, source_id FROM leads WHERE source_id != ''", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      const char *source_id = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *key = g_strconcat ("s:", source_id, NULL);
      AddKey add = { import, add_origin (import, ORIGIN_LEAD, id) };

      add_key_cb (key, &add);
      g_hash_table_insert (import->lead_sources, g_memdup2 (&id, sizeof id),
                           g_string_chunk_insert (import->chunk, source_id));
    }
  if (rc != SQLITE_DONE)
    return FALSE;

  return load_keys (tx, import,
                    "SELECT id, tax_id, phone, email FROM leads WHERE tax_id != '' OR phone != '' OR email != ''",
                    ORIGIN_LEAD, error) &&
         load_keys (tx, import,
                    "SELECT id, tax_id, phones, emails FROM clients WHERE tax_id != '' OR phones != '' OR emails != ''",
                    ORIGIN_CLIENT, error) &&
         load_keys (tx, import,
                    "SELECT client_id, '', phone, email FROM contacts WHERE phone != '' OR email != ''",
                    ORIGIN_CLIENT, error);
}

/* Staging */

static void
staged_row_free (StagedRow *row)
{
  for (guint i = 0; i < G_N_ELEMENTS (row->text); i++)
    g_free (row->text[i]);
  g_free (row->notes);
  g_free (row);
}

static const char create_stage_sql[] =
  "CREATE TEMP TABLE IF NOT EXISTS scim_import_rows ("
  "  import_id INTEGER NOT NULL, line INTEGER NOT NULL,"
  "  name TEXT, company TEXT, position TEXT, phone TEXT, email TEXT, tax_id TEXT, source TEXT, channel TEXT,"
  "  product_id INTEGER, notes TEXT, received_at INTEGER, owner_id INTEGER,"
  "  source_id TEXT, source_status TEXT, source_owner TEXT, lead_id INTEGER, phone_key TEXT, email_key TEXT)";

static void
drop_staged (Import *import)
{
  _scim_store_lock (import->store);
  if (_scim_store_get_db (import->store) != NULL)
    _scim_store_exec (import->store, NULL, "DELETE FROM temp.scim_import_rows WHERE import_id = ?", "I",
                      import->import_id);
  _scim_store_unlock (import->store);
}

static gboolean
stage_cb (ScimTx    *tx,
          gpointer   user_data,
          GError   **error)
{
  Import *import = user_data;

  for (guint i = 0; i < import->staged->len; i++)
    {
      StagedRow *row = g_ptr_array_index (import->staged, i);
      /* The duplicate keys of a new lead, worked out here rather than by
       * the copy, which holds the write lock. */
      g_autofree char *phone_key = scim_lead_phone_key (row->text[3]);
      g_autofree char *email_key = scim_lead_email_key (row->text[4]);

      if (!_scim_store_exec (import->store, error,
                             "INSERT INTO temp.scim_import_rows (import_id, line, name, company, position, phone, "
                             "email, tax_id, source, channel, product_id, notes, received_at, owner_id, "
                             "source_id, source_status, source_owner, lead_id, phone_key, email_key) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             "IissssssssNsINsssNss", import->import_id, (int) row->line, row->text[0], row->text[1],
                             row->text[2], row->text[3], row->text[4], row->text[5], row->text[6], row->text[7],
                             row->product_id, row->notes, row->received_at, row->owner_id, row->text[8],
                             row->text[9], row->text[10], row->lead_id, phone_key, email_key))
        return FALSE;
    }
  return TRUE;
}

/* Writes the batch to the temp table in one transaction that writes the
 * temp database only, so it never holds the file's write lock.  It still
 * reads the file's schema, which another process's commit in the rollback
 * journal can hold up for a moment: the store's retry covers that (the
 * batch goes in again from the start, nothing twice). */
static gboolean
flush_staged (Import  *import,
              GError **error)
{
  gboolean ok;

  if (import->staged->len == 0)
    return TRUE;
  ok = _scim_store_read (import->store, stage_cb, import, error);
  g_ptr_array_set_size (import->staged, 0);
  return ok;
}

static gboolean
start_staging (Import  *import,
               GError **error)
{
  static gint last_id;
  sqlite3 *db;
  int rc;

  _scim_store_lock (import->store);
  if (!_scim_store_require_writable (import->store, error))
    {
      _scim_store_unlock (import->store);
      return FALSE;
    }
  db = _scim_store_get_db (import->store);
  rc = sqlite3_exec (db, create_stage_sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      _scim_store_set_error (import->store, rc, error);
      _scim_store_unlock (import->store);
      return FALSE;
    }
  /* Imports on one connection share the table, each under its own id. */
  import->import_id = g_atomic_int_add (&last_id, 1) + 1;
  _scim_store_unlock (import->store);
  import->staging = TRUE;
  return TRUE;
}

/* Rows */

typedef struct
{
  GString *text[SCIM_LEAD_N_FIELDS];
  guint    column[SCIM_LEAD_N_FIELDS];  /* the first column with a value */
} RowValues;

static void
row_values_clear (RowValues *values)
{
  for (guint i = 0; i < SCIM_LEAD_N_FIELDS; i++)
    if (values->text[i] != NULL)
      g_string_free (values->text[i], TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RowValues, row_values_clear)

static const char *
value (RowValues     *values,
       ScimLeadField  field)
{
  return values->text[field] != NULL ? values->text[field]->str : "";
}

/* Quoted cells keep the line breaks of the file: in notes they become "\n"
 * whatever the file used; in one-line fields, a space. */
static void
normalize_breaks (char     *cell,
                  gboolean  multiline)
{
  char *out = cell;

  for (const char *p = cell; *p != '\0'; p++)
    {
      if (*p == '\r' || *p == '\n')
        {
          if (*p == '\r' && p[1] == '\n')
            p++;
          if (multiline)
            *out++ = '\n';
          else if (out > cell && out[-1] != ' ')
            *out++ = ' ';
          continue;
        }
      *out++ = *p;
    }
  *out = '\0';
}

/* Gathers the cells by field.  Several columns of one field are joined:
 * "Фамилия" and "Имя" make one name, two phone columns one list of phones.
 * Dates, amounts, products and salespeople take the first non-empty cell. */
static gboolean
gather (Import    *import,
        GPtrArray *fields,
        RowValues *values)
{
  gboolean any = FALSE;

  for (guint c = 0; c < fields->len && c < import->n_columns; c++)
    {
      ScimLeadField field = import->mapping[c];
      g_autofree char *cell = g_strstrip (g_strdup (g_ptr_array_index (fields, c)));

      if (cell[0] == '\0')
        continue;
      any = TRUE;
      if (field == SCIM_LEAD_FIELD_IGNORE)
        continue;
      normalize_breaks (cell, field == SCIM_LEAD_FIELD_NOTES);
      if (values->text[field] == NULL)
        {
          values->text[field] = g_string_new (cell);
          values->column[field] = c;
          continue;
        }
      switch (field)
        {
        case SCIM_LEAD_FIELD_RECEIVED:
        case SCIM_LEAD_FIELD_AMOUNT:
        case SCIM_LEAD_FIELD_PRODUCT:
        case SCIM_LEAD_FIELD_OWNER:
        case SCIM_LEAD_FIELD_SOURCE_ID:
        case SCIM_LEAD_FIELD_SOURCE_STATUS:
          break;
        case SCIM_LEAD_FIELD_NAME:
          g_string_append_printf (values->text[field], " %s", cell);
          break;
        case SCIM_LEAD_FIELD_NOTES:
          g_string_append_printf (values->text[field], "\n%s", cell);
          break;
        default:
          g_string_append_printf (values->text[field], ", %s", cell);
          break;
        }
    }
  /* Cells of columns the header does not have count too. */
  for (guint c = import->n_columns; !any && c < fields->len; c++)
    any = ((const char *) g_ptr_array_index (fields, c))[strspn (g_ptr_array_index (fields, c), " \t\r\n")] != '\0';
  return any;
}

typedef struct
{
  Import   *import;
  guint     line;
  gboolean  found;
} FindKey;

static void
find_key_cb (const char *key,
             gpointer    data)
{
  FindKey *find = data;
  Import *import = find->import;
  guint origin;
  Duplicate dup = { 0 };

  if (find->found)
    return;
  origin = GPOINTER_TO_UINT (g_hash_table_lookup (import->keys, key));
  if (origin == 0)
    return;
  find->found = TRUE;
  dup.line = find->line;
  dup.key = key[0] == 'e' ? KEY_EMAIL : key[0] == 'p' ? KEY_PHONE : KEY_TAX_ID;
  dup.origin = g_array_index (import->origins, Origin, origin - 1);
  g_array_append_val (import->duplicates, dup);
}

typedef struct
{
  Import     *import;
  const char *source_id;
  gint64      lead_id;
} FindLead;

static void
find_lead_cb (const char *key,
              gpointer    data)
{
  FindLead *find = data;
  guint index;
  const Origin *origin;
  const char *other;

  if (find->lead_id != 0)
    return;
  index = GPOINTER_TO_UINT (g_hash_table_lookup (find->import->keys, key));
  if (index == 0)
    return;
  origin = &g_array_index (find->import->origins, Origin, index - 1);
  if (origin->kind != ORIGIN_LEAD)
    return;
  /* A lead of another record of the source is another lead, however alike. */
  other = g_hash_table_lookup (find->import->lead_sources, &origin->id);
  if (find->source_id[0] != '\0' && other != NULL && !g_str_equal (other, find->source_id))
    return;
  find->lead_id = origin->id;
}

/* The existing lead a row is a newer version of: the one with its source
 * id, else one with its e-mail, else one with its phone. */
static gint64
find_lead (Import    *import,
           RowValues *values)
{
  FindLead find = { import, value (values, SCIM_LEAD_FIELD_SOURCE_ID), 0 };

  if (find.source_id[0] != '\0')
    {
      g_autofree char *key = g_strconcat ("s:", find.source_id, NULL);

      find_lead_cb (key, &find);
      if (find.lead_id != 0)
        return find.lead_id;
    }
  foreach_email_key (value (values, SCIM_LEAD_FIELD_EMAIL), find_lead_cb, &find);
  if (find.lead_id == 0)
    foreach_phone_key (value (values, SCIM_LEAD_FIELD_PHONE), find_lead_cb, &find);
  return find.lead_id;
}

static void
add_line_duplicate (Import     *import,
                    guint       line,
                    KeyKind     key,
                    const char *text,
                    guint       earlier)
{
  Duplicate dup = { line, key, g_strdup (text), { earlier, ORIGIN_LINE } };

  g_array_append_val (import->duplicates, dup);
}

static gboolean
find_duplicate (Import    *import,
                guint      line,
                RowValues *values)
{
  g_autofree char *tax = tax_key (value (values, SCIM_LEAD_FIELD_TAX_ID));
  FindKey find = { import, line, FALSE };

  if (tax != NULL)
    find_key_cb (tax, &find);
  if (find.found)
    {
      g_array_index (import->duplicates, Duplicate, import->duplicates->len - 1).value =
        g_strdup (value (values, SCIM_LEAD_FIELD_TAX_ID));
      return TRUE;
    }
  foreach_email_key (value (values, SCIM_LEAD_FIELD_EMAIL), find_key_cb, &find);
  if (!find.found)
    foreach_phone_key (value (values, SCIM_LEAD_FIELD_PHONE), find_key_cb, &find);
  if (find.found)
    {
      Duplicate *dup = &g_array_index (import->duplicates, Duplicate, import->duplicates->len - 1);

      dup->value = g_strdup (value (values, dup->key == KEY_EMAIL ? SCIM_LEAD_FIELD_EMAIL : SCIM_LEAD_FIELD_PHONE));
    }
  return find.found;
}

/* The salesperson a row's owner names: what the importer settled it as,
 * else a user by login, e-mail or name (either order; case, ё and blanks
 * do not matter), else the default.  An owner who is none of these is no
 * reason to refuse the row: the lead comes in unassigned, the name stays
 * on it, and the report counts the rows of each such name. */
static gint64
resolve_owner (Import           *import,
               const char       *owner,
               ScimImportOwner **unknown_out)
{
  const ScimImportOptions *options = import->options;
  g_autofree char *name_key = scim_fold_name (owner);
  g_autofree char *key = NULL;
  ScimImportOwner *unknown;
  gint64 *id;

  if (options->owner_map != NULL && (id = g_hash_table_lookup (options->owner_map, name_key)) != NULL)
    return MAX (*id, 0);
  key = scim_fold (owner);
  id = g_hash_table_lookup (import->users, key);
  if (id == NULL || *id < 0)
    id = g_hash_table_lookup (import->users, name_key);
  if (id != NULL && *id > 0)
    return *id;
  if (options->owner_default > 0)
    return options->owner_default;

  /* Counted once the row goes in. */
  unknown = g_hash_table_lookup (import->unknown, name_key);
  if (unknown == NULL)
    {
      unknown = g_new0 (ScimImportOwner, 1);
      unknown->name = g_strdup (owner);
      unknown->key = g_strdup (name_key);
      g_ptr_array_add (import->report->unknown_owners, unknown);
      g_hash_table_insert (import->unknown, unknown->key, unknown);
    }
  *unknown_out = unknown;
  return 0;
}

/* Checks one row.  Returns the reason it cannot be read, or %NULL with
 * @row filled in. */
static char *
check_row (Import    *import,
           RowValues *values,
           StagedRow *row)
{
  static const ScimLeadField texts[] = {
    SCIM_LEAD_FIELD_NAME, SCIM_LEAD_FIELD_COMPANY, SCIM_LEAD_FIELD_POSITION, SCIM_LEAD_FIELD_PHONE,
    SCIM_LEAD_FIELD_EMAIL, SCIM_LEAD_FIELD_TAX_ID, SCIM_LEAD_FIELD_SOURCE, SCIM_LEAD_FIELD_CHANNEL,
  };
  const char *received = value (values, SCIM_LEAD_FIELD_RECEIVED);
  const char *amount = value (values, SCIM_LEAD_FIELD_AMOUNT);
  const char *product = value (values, SCIM_LEAD_FIELD_PRODUCT);
  const char *owner = value (values, SCIM_LEAD_FIELD_OWNER);
  GString *notes;

  if (value (values, SCIM_LEAD_FIELD_NAME)[0] == '\0' && value (values, SCIM_LEAD_FIELD_COMPANY)[0] == '\0' &&
      value (values, SCIM_LEAD_FIELD_PHONE)[0] == '\0' && value (values, SCIM_LEAD_FIELD_EMAIL)[0] == '\0')
    return g_strdup (_("No name, company, phone or e-mail: a lead needs at least one of them."));

  if (received[0] != '\0' && !scim_csv_parse_date (received, &row->received_at))
    return g_strdup_printf (_("“%s” in the column “%s” is not a date. Write it as 27.11.2026, "
                              "27.11.2026 14:30 or 2026-11-27."),
                            received, import->header[values->column[SCIM_LEAD_FIELD_RECEIVED]]);

  notes = g_string_new (value (values, SCIM_LEAD_FIELD_NOTES));
  if (amount[0] != '\0')
    {
      gint64 minor;
      g_autofree char *money = NULL;

      if (!scim_csv_parse_amount (amount, &minor))
        {
          g_string_free (notes, TRUE);
          return g_strdup_printf (_("“%s” in the column “%s” is not an amount. Write it as 150 000,00."),
                                  amount, import->header[values->column[SCIM_LEAD_FIELD_AMOUNT]]);
        }
      /* Leads have no amount of their own: it becomes one of the notes, and
       * the sale made on acceptance gets its amount from the salesperson. */
      money = scim_format_money_exact (minor);
      if (notes->len > 0)
        g_string_append_c (notes, '\n');
      g_string_append_printf (notes, _("Amount: %s"), money);
    }
  row->notes = g_string_free (notes, FALSE);

  if (product[0] != '\0')
    {
      g_autofree char *key = fold_name (product);
      gint64 *id = g_hash_table_lookup (import->products, key);

      if (id == NULL)
        return g_strdup_printf (_("No product “%s”; add it in Settings or map the column to Ignore."), product);
      row->product_id = *id;
    }

  if (owner[0] != '\0')
    row->owner_id = resolve_owner (import, owner, &row->unknown);
  if (row->owner_id != 0 && !import->has_owner)
    {
      import->has_owner = TRUE;
      import->owner_column = values->column[SCIM_LEAD_FIELD_OWNER];
    }

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    row->text[i] = g_strdup (value (values, texts[i]));
  row->text[8] = g_strdup (value (values, SCIM_LEAD_FIELD_SOURCE_ID));
  row->text[9] = g_strdup (value (values, SCIM_LEAD_FIELD_SOURCE_STATUS));
  row->text[10] = g_strdup (owner);
  return NULL;
}

/* The write */

static int
cancel_handler_cb (void *user_data)
{
  return g_cancellable_is_cancelled (user_data) ? 1 : 0;
}

static gboolean
may_assign (ScimTx  *tx,
            GError **error)
{
  gint64 allowed = _scim_store_query_int (tx->store, error,
                                          "SELECT count(*) FROM users WHERE id = ? AND active = 1 "
                                          "AND (may_accept = 1 OR role IN ('head', 'admin'))",
                                          "I", tx->user_id);

  if (allowed < 0)
    return FALSE;
  if (allowed == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("The file names salespeople, and only a head of sales or a user allowed to accept leads "
                     "may assign them. Map that column to Ignore, or ask an administrator to allow you."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_cb (ScimTx    *tx,
          gpointer   user_data,
          GError   **error)
{
  Import *import = user_data;
  g_autofree char *pragma = NULL;
  sqlite3_stmt *stmt;
  gint64 cache_size;
  int rc;

  if (tx->user_id == 0 ||
      _scim_store_query_int (tx->store, error, "SELECT count(*) FROM users WHERE id = ? AND active = 1", "I",
                             tx->user_id) <= 0)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                     _("Sign in first: importing leads needs a user."));
      return FALSE;
    }
  if (import->has_owner && !may_assign (tx, error))
    return FALSE;

  /* A newer export of leads imported before: what the file says replaces
   * what the lead says, where the file says anything; a salesperson and a
   * product only fill in where the lead has none (a head's assignment here
   * wins over the other CRM's).  Leads the file leaves as they are are not
   * touched, so importing the same file twice changes nothing. */
  if (import->n_matched > 0)
    {
      stmt = _scim_store_prepare (tx->store,
                                  "UPDATE leads SET "
                                  "  name = CASE WHEN r.name != '' THEN r.name ELSE leads.name END,"
                                  "  company = CASE WHEN r.company != '' THEN r.company ELSE leads.company END,"
                                  "  position = CASE WHEN r.position != '' THEN r.position ELSE leads.position END,"
                                  "  phone = CASE WHEN r.phone != '' THEN r.phone ELSE leads.phone END,"
                                  "  email = CASE WHEN r.email != '' THEN r.email ELSE leads.email END,"
                                  "  tax_id = CASE WHEN r.tax_id != '' THEN r.tax_id ELSE leads.tax_id END,"
                                  "  source = CASE WHEN r.source != '' THEN r.source ELSE leads.source END,"
                                  "  channel = CASE WHEN r.channel != '' THEN r.channel ELSE leads.channel END,"
                                  "  notes = CASE WHEN r.notes != '' THEN r.notes ELSE leads.notes END,"
                                  "  source_id = CASE WHEN r.source_id != '' THEN r.source_id ELSE leads.source_id END,"
                                  "  source_status = CASE WHEN r.source_status != '' THEN r.source_status "
                                  "    ELSE leads.source_status END,"
                                  "  source_owner = CASE WHEN r.source_owner != '' THEN r.source_owner "
                                  "    ELSE leads.source_owner END,"
                                  "  owner_id = coalesce(leads.owner_id, r.owner_id),"
                                  "  product_id = coalesce(leads.product_id, r.product_id),"
                                  "  version = leads.version + 1,"
                                  "  phone_key = scim_phone_key (CASE WHEN r.phone != '' THEN r.phone ELSE leads.phone END),"
                                  "  email_key = scim_email_key (CASE WHEN r.email != '' THEN r.email ELSE leads.email END) "
                                  "FROM temp.scim_import_rows r "
                                  "WHERE r.import_id = ?1 AND r.lead_id = leads.id AND ("
                                  "  (r.name != '' AND r.name != leads.name) OR (r.company != '' AND r.company != leads.company)"
                                  "  OR (r.position != '' AND r.position != leads.position)"
                                  "  OR (r.phone != '' AND r.phone != leads.phone) OR (r.email != '' AND r.email != leads.email)"
                                  "  OR (r.tax_id != '' AND r.tax_id != leads.tax_id)"
                                  "  OR (r.source != '' AND r.source != leads.source)"
                                  "  OR (r.channel != '' AND r.channel != leads.channel)"
                                  "  OR (r.notes != '' AND r.notes != leads.notes)"
                                  "  OR (r.source_id != '' AND r.source_id != leads.source_id)"
                                  "  OR (r.source_status != '' AND r.source_status != leads.source_status)"
                                  "  OR (r.source_owner != '' AND r.source_owner != leads.source_owner)"
                                  "  OR (leads.owner_id IS NULL AND r.owner_id IS NOT NULL)"
                                  "  OR (leads.product_id IS NULL AND r.product_id IS NOT NULL))",
                                  error);
      if (stmt == NULL)
        return FALSE;
      _scim_stmt_bind (stmt, "I", import->import_id);
      if (_scim_store_step (tx->store, stmt, error) != SQLITE_DONE)
        return FALSE;
      import->updated = (guint) sqlite3_changes (tx->db);
      if (import->updated > 0 && !scim_tx_log (tx, "leads", 0, "update", error))
        return FALSE;
    }

  /* Products and users checked in the first pass may be gone since; the
   * foreign keys then refuse the whole copy. */
  stmt = _scim_store_prepare (tx->store,
                              "INSERT INTO leads (name, company, position, phone, email, tax_id, source, channel, "
                              "product_id, notes, received_at, owner_id, created_at, source_id, source_status, "
                              "source_owner, phone_key, email_key) "
                              "SELECT name, company, position, phone, email, tax_id, source, channel, product_id, "
                              "notes, CASE WHEN received_at != 0 THEN received_at ELSE ?1 END, owner_id, ?1, "
                              "source_id, source_status, source_owner, phone_key, email_key "
                              "FROM temp.scim_import_rows WHERE import_id = ?2 AND lead_id IS NULL ORDER BY rowid",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "II", tx->now, import->import_id);
  if (import->cancellable != NULL)
    sqlite3_progress_handler (tx->db, 10000, cancel_handler_cb, import->cancellable);
  /* The copy updates the indexes of leads in random order (e-mail, phone,
   * dates); with SQLite's default 2 MB page cache a big import thrashes it
   * and holds the write lock for far longer.  The cache grows with the
   * import for the copy only, up to 256 MB, and shrinks back after. */
  cache_size = _scim_store_query_int (tx->store, NULL, "PRAGMA main.cache_size", "");
  pragma = g_strdup_printf ("PRAGMA main.cache_size = -%u", CLAMP (import->n_staged / 2, 2000u, 262144u));
  sqlite3_exec (tx->db, pragma, NULL, NULL, NULL);
  rc = _scim_store_step (tx->store, stmt, error);
  g_free (pragma);
  pragma = g_strdup_printf ("PRAGMA main.cache_size = %" G_GINT64_FORMAT, cache_size != 0 ? cache_size : -2000);
  sqlite3_exec (tx->db, pragma, NULL, NULL, NULL);
  sqlite3_progress_handler (tx->db, 0, NULL, NULL);
  if (rc != SQLITE_DONE)
    {
      if (g_error_matches (*error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED))
        {
          g_clear_error (error);
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED,
                       _("Import cancelled: nothing was written."));
        }
      return FALSE;
    }
  import->inserted = (guint) sqlite3_changes (tx->db);
  /* One entry wakes every window that lists leads. */
  return import->inserted == 0 || scim_tx_log (tx, "leads", 0, "insert", error);
}

/* Reasons for duplicates */

typedef struct
{
  Import           *import;
  ScimImportReport *report;
} NamesOp;

static char *
duplicate_reason (const Duplicate *dup,
                  const char      *name)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, dup->origin.id);

  switch (dup->origin.kind)
    {
    case ORIGIN_LEAD:
      if (dup->key == KEY_EMAIL)
        return g_strdup_printf (_("Duplicate: lead %s, “%s”, has the same e-mail, %s."), id, name, dup->value);
      if (dup->key == KEY_PHONE)
        return g_strdup_printf (_("Duplicate: lead %s, “%s”, has the same phone, %s."), id, name, dup->value);
      return g_strdup_printf (_("Duplicate: lead %s, “%s”, has the same tax ID, %s."), id, name, dup->value);
    case ORIGIN_CLIENT:
      if (dup->key == KEY_EMAIL)
        return g_strdup_printf (_("Duplicate: client %s, “%s”, has the same e-mail, %s."), id, name, dup->value);
      if (dup->key == KEY_PHONE)
        return g_strdup_printf (_("Duplicate: client %s, “%s”, has the same phone, %s."), id, name, dup->value);
      return g_strdup_printf (_("Duplicate: client %s, “%s”, has the same tax ID, %s."), id, name, dup->value);
    case ORIGIN_LINE:
    default:
      if (dup->key == KEY_LEAD)
        return g_strdup_printf (_("Duplicate: line %s of this file is the same lead."), id);
      if (dup->key == KEY_SOURCE_ID)
        return g_strdup_printf (_("Duplicate: line %s of this file has the same ID in the source, %s."), id,
                                dup->value);
      if (dup->key == KEY_EMAIL)
        return g_strdup_printf (_("Duplicate: line %s of this file has the same e-mail, %s."), id, dup->value);
      if (dup->key == KEY_PHONE)
        return g_strdup_printf (_("Duplicate: line %s of this file has the same phone, %s."), id, dup->value);
      return g_strdup_printf (_("Duplicate: line %s of this file has the same tax ID, %s."), id, dup->value);
    }
}

static gboolean
names_cb (ScimTx    *tx,
          gpointer   user_data,
          GError   **error)
{
  NamesOp *op = user_data;
  GArray *dups = op->import->duplicates;

  g_ptr_array_set_size (op->report->duplicates, 0);
  for (guint i = 0; i < dups->len; i++)
    {
      const Duplicate *dup = &g_array_index (dups, Duplicate, i);
      g_autofree char *name = NULL;

      if (dup->origin.kind != ORIGIN_LINE)
        {
          sqlite3_stmt *stmt = _scim_store_prepare (tx->store,
                                                    dup->origin.kind == ORIGIN_LEAD
                                                    ? "SELECT coalesce(nullif(name, ''), nullif(company, ''), "
                                                      "nullif(email, ''), phone) FROM leads WHERE id = ?"
                                                    : "SELECT name FROM clients WHERE id = ?",
                                                    error);
          int rc;

          if (stmt == NULL)
            return FALSE;
          _scim_stmt_bind (stmt, "I", dup->origin.id);
          rc = _scim_store_step (tx->store, stmt, error);
          if (rc == SCIM_STMT_ERROR)
            return FALSE;
          name = g_strdup (rc == SQLITE_ROW ? (const char *) sqlite3_column_text (stmt, 0) : "");
          sqlite3_reset (stmt);
        }
      add_issue (op->report->duplicates, dup->line, duplicate_reason (dup, name != NULL ? name : ""));
    }
  return TRUE;
}

static void
import_clear (Import *import)
{
  g_clear_pointer (&import->mapping, g_free);
  g_clear_pointer (&import->header, g_strfreev);
  g_clear_pointer (&import->products, g_hash_table_unref);
  g_clear_pointer (&import->users, g_hash_table_unref);
  g_clear_pointer (&import->lead_sources, g_hash_table_unref);
  g_clear_pointer (&import->matched, g_hash_table_unref);
  g_clear_pointer (&import->unknown, g_hash_table_unref);
  g_clear_pointer (&import->keys, g_hash_table_unref);
  g_clear_pointer (&import->chunk, g_string_chunk_free);
  g_clear_pointer (&import->origins, g_array_unref);
  if (import->duplicates != NULL)
    for (guint i = 0; i < import->duplicates->len; i++)
      g_free (g_array_index (import->duplicates, Duplicate, i).value);
  g_clear_pointer (&import->duplicates, g_array_unref);
  g_clear_pointer (&import->staged, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Import, import_clear)

typedef struct
{
  ScimProgressFunc func;
  gpointer         data;
  double           last;
} Progress;

static void
report_progress (Progress *progress,
                 double    fraction)
{
  if (progress->func == NULL)
    return;
  fraction = CLAMP (fraction, 0.0, 1.0);
  /* Often enough for a bar, seldom enough to cost nothing. */
  if (fraction < 1.0 && fraction - progress->last < 0.005)
    return;
  progress->last = fraction;
  progress->func (fraction, progress->data);
}

/**
 * scim_store_import_leads:
 * @store: a #ScimStore, signed in
 * @file: a CSV file: UTF-8 (with or without a byte order mark), UTF-16 or
 *   Windows-1251; comma, semicolon or tab; a header row
 * @options: the mapping of the columns (%NULL mapping: guessed from the
 *   header) and what to do with bad rows and duplicates
 * @cancellable: (nullable): cancels the import; nothing is written then
 * @progress: (nullable) (scope call): called on the calling thread with the
 *   share of the file read
 * @progress_data: data for @progress
 * @error: return location for an error
 *
 * Imports leads in one transaction: all good rows or none.  Every row is
 * checked first: its number of fields (fewer than the header is fine, the
 * missing ones are empty), a name, company, phone or e-mail, a date and an
 * amount that can be read, a product and a salesperson that exist.  A row
 * with the same e-mail, phone (last 10 digits) or tax id as a lead, a
 * client or an earlier row is skipped as a duplicate unless
 * @options->keep_duplicates.  With bad rows and no @options->skip_bad
 * nothing is written and @error is %SCIM_STORE_ERROR_INVALID.  Anyone
 * signed in may import; a file that names salespeople needs someone who
 * may accept leads.
 *
 * Runs for a while with big files: call it on a worker thread in the GUI.
 *
 * Returns: (transfer full) (nullable): the report, also when the file was
 *   refused (then with @error set); %NULL when the file cannot be read to
 *   its end, the user may not import, or the import was cancelled
 */
ScimImportReport *
scim_store_import_leads (ScimStore               *store,
                         GFile                   *file,
                         const ScimImportOptions *options,
                         GCancellable            *cancellable,
                         ScimProgressFunc         progress,
                         gpointer                 progress_data,
                         GError                 **error)
{
  static const ScimImportOptions defaults = { 0 };
  g_auto(Import) import = { 0 };
  g_autoptr(ScimCsvReader) reader = NULL;
  g_autoptr(ScimImportReport) report = report_new ();
  g_autoptr(GError) local = NULL;
  Progress bar = { progress, progress_data, -1.0 };
  guint64 size = 0;
  guint n_header;
  guint good = 0;
  gboolean ok = TRUE;
  gint64 start;

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &defaults;
  import.store = store;
  import.options = options;
  import.cancellable = cancellable;
  import.report = report;
  import.products = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  import.lead_sources = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  import.matched = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  import.unknown = g_hash_table_new (g_str_hash, g_str_equal);
  import.users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  import.keys = g_hash_table_new (g_str_hash, g_str_equal);
  import.chunk = g_string_chunk_new (64 * 1024);
  import.origins = g_array_new (FALSE, FALSE, sizeof (Origin));
  import.duplicates = g_array_new (FALSE, FALSE, sizeof (Duplicate));
  import.staged = g_ptr_array_new_with_free_func ((GDestroyNotify) staged_row_free);

  /* Who imports, the products and users rows may name, and the keys of
   * every lead and client: one read transaction. */
  start = g_get_monotonic_time ();
  if (!_scim_store_read (store, load_cb, &import, error))
    return NULL;
  g_debug ("Import: %u keys of leads, clients and contacts loaded in %.2f s", g_hash_table_size (import.keys),
           (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);

  reader = open_reader (file, cancellable, &size, error);
  if (reader == NULL)
    return NULL;
  report->encoding = g_strdup (scim_csv_reader_get_encoding_name (reader));
  report->delimiter = scim_csv_reader_get_delimiter (reader);
  import.header = read_header (reader, file, cancellable, error);
  if (import.header == NULL)
    return NULL;
  report->header = g_strdupv (import.header);
  n_header = g_strv_length (import.header);

  import.n_columns = n_header;
  import.mapping = g_new0 (ScimLeadField, MAX (n_header, 1));
  if (options->mapping != NULL)
    {
      if (options->n_columns != n_header)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       _("The mapping has %u columns, but the file has %u. Open the file again to map its columns."),
                       options->n_columns, n_header);
          return NULL;
        }
      for (guint c = 0; c < n_header; c++)
        import.mapping[c] = options->mapping[c] < SCIM_LEAD_N_FIELDS ? options->mapping[c] : SCIM_LEAD_FIELD_IGNORE;
    }
  else
    for (guint c = 0; c < n_header; c++)
      import.mapping[c] = scim_lead_field_guess (import.header[c]);

  if (!options->dry_run && !start_staging (&import, error))
    return NULL;

  /* The first pass: every row checked, the good ones staged. */
  for (;;)
    {
      g_autoptr(GPtrArray) fields = NULL;
      g_auto(RowValues) values = { 0 };
      StagedRow *row;
      char *reason;
      guint line = 0;

      if (size > 0)
        report_progress (&bar, (double) scim_csv_reader_get_bytes_read (reader) / (double) size *
                               (options->dry_run ? 1.0 : 0.9));

      if (!scim_csv_reader_next (reader, &fields, &line, cancellable, &local))
        {
          if (local == NULL)
            break;
          if (g_error_matches (local, SCIM_CSV_ERROR, SCIM_CSV_ERROR_BAD_QUOTE))
            {
              reason = split_line_message (local->message, &line);
              add_issue (report->refused, line, reason);
              report->rows++;
              g_clear_error (&local);
              continue;
            }
          set_file_error (error, local, file, _("Import cancelled: nothing was written."));
          ok = FALSE;
          break;
        }

      if (!gather (&import, fields, &values))
        continue;    /* a row of empty cells, as spreadsheets leave at the end */
      report->rows++;

      if (fields->len > n_header)
        {
          ScimImportIssue *issue = add_issue (report->refused, line,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                   "The row has %u field, but the header has %u. Check the "
                                                   "delimiters and the quotes on that line.",
                                                   "The row has %u fields, but the header has %u. Check the "
                                                   "delimiters and the quotes on that line.",
                                                   fields->len),
                                      fields->len, n_header));
          issue->cells = copy_cells (fields);
          continue;
        }

      row = g_new0 (StagedRow, 1);
      row->line = line;
      reason = check_row (&import, &values, row);
      if (reason != NULL)
        {
          staged_row_free (row);
          add_issue (report->refused, line, reason)->cells = copy_cells (fields);
          continue;
        }
      if (row->owner_id != 0 && !import.may_accept)
        {
          staged_row_free (row);
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                       _("Line %u names a salesperson, and only a head of sales or a user allowed to accept "
                         "leads may assign them. Map the column “%s” to Ignore, or ask an administrator to "
                         "allow you."),
                       line, import.header[import.owner_column]);
          ok = FALSE;
          break;
        }

      if (!options->keep_duplicates)
        {
          const char *source_id = value (&values, SCIM_LEAD_FIELD_SOURCE_ID);
          g_autofree char *source_key = source_id[0] != '\0' ? g_strconcat ("s:", source_id, NULL) : NULL;
          gint64 lead_id = find_lead (&import, &values);
          gpointer earlier = lead_id != 0 ? g_hash_table_lookup (import.matched, &lead_id) : NULL;
          guint same_source = source_key != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (import.keys, source_key)) : 0;

          if (earlier != NULL)
            {
              /* Two rows for one lead: the first one counts. */
              add_line_duplicate (&import, line, KEY_LEAD, "", GPOINTER_TO_UINT (earlier));
              staged_row_free (row);
              continue;
            }
          if (lead_id == 0 && same_source != 0 &&
              g_array_index (import.origins, Origin, same_source - 1).kind == ORIGIN_LINE)
            {
              add_line_duplicate (&import, line, KEY_SOURCE_ID, source_id,
                                  (guint) g_array_index (import.origins, Origin, same_source - 1).id);
              staged_row_free (row);
              continue;
            }
          if (lead_id == 0 && find_duplicate (&import, line, &values))
            {
              staged_row_free (row);
              continue;
            }
          if (lead_id != 0)
            {
              row->lead_id = lead_id;
              g_hash_table_insert (import.matched, g_memdup2 (&lead_id, sizeof lead_id), GUINT_TO_POINTER (line));
              report->matched++;
            }
          add_keys (&import, ORIGIN_LINE, line, value (&values, SCIM_LEAD_FIELD_TAX_ID),
                    value (&values, SCIM_LEAD_FIELD_PHONE), value (&values, SCIM_LEAD_FIELD_EMAIL));
          if (source_key != NULL && same_source == 0)
            add_key_cb (source_key, &(AddKey) { &import, import.origins->len });
        }
      if (row->unknown != NULL)
        row->unknown->rows++;
      good++;

      /* Once a row is refused without skip_bad, nothing will be written:
       * the rest is only checked. */
      if (!import.staging || (report->refused->len > 0 && !options->skip_bad))
        {
          staged_row_free (row);
          continue;
        }
      g_ptr_array_add (import.staged, row);
      if (import.staged->len >= STAGE_BATCH && !flush_staged (&import, error))
        {
          ok = FALSE;
          break;
        }
    }

  if (ok && import.staging)
    ok = flush_staged (&import, error);
  if (ok && g_cancellable_set_error_if_cancelled (cancellable, &local))
    {
      set_file_error (error, local, file, _("Import cancelled: nothing was written."));
      ok = FALSE;
    }
  if (!ok)
    {
      if (import.staging)
        drop_staged (&import);
      return NULL;
    }

  /* Owners of rows that did not go in are no one's business. */
  g_hash_table_remove_all (import.unknown);
  for (guint i = report->unknown_owners->len; i > 0; i--)
    if (((ScimImportOwner *) g_ptr_array_index (report->unknown_owners, i - 1))->rows == 0)
      g_ptr_array_remove_index (report->unknown_owners, i - 1);

  if (import.duplicates->len > 0 && !_scim_store_read (store, names_cb, &(NamesOp) { &import, report }, error))
    {
      if (import.staging)
        drop_staged (&import);
      return NULL;
    }

  if (report->refused->len > 0 && !options->skip_bad)
    {
      if (import.staging)
        drop_staged (&import);
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%u row cannot be read; nothing was imported. Fix it or choose to skip it.",
                                "%u rows cannot be read; nothing was imported. Fix them or choose to skip them.",
                                report->refused->len),
                   report->refused->len);
      return g_steal_pointer (&report);
    }
  if (report->rows == 0)
    {
      if (import.staging)
        drop_staged (&import);
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("The file has a header row but no leads under it."));
      return g_steal_pointer (&report);
    }

  if (options->dry_run)
    {
      report->created = good - report->matched;
      report_progress (&bar, 1.0);
      return g_steal_pointer (&report);
    }

  if (good > 0)
    {
      start = g_get_monotonic_time ();
      import.n_staged = good;
      import.n_matched = report->matched;
      ok = scim_store_write (store, write_cb, &import, error);
      g_debug ("Import: %u staged rows written in %.2f s", good,
               (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
      drop_staged (&import);
      if (!ok)
        return NULL;
      report->created = import.inserted;
      report->updated = import.updated;
      report->unchanged = report->matched - import.updated;
    }
  else
    drop_staged (&import);
  report_progress (&bar, 1.0);
  return g_steal_pointer (&report);
}

/* Export */

static void
append_csv_field (GString    *out,
                  const char *text)
{
  if (text == NULL)
    text = "";
  if (text[strcspn (text, ",\"\r\n")] == '\0' && !g_ascii_isspace (text[0]) &&
      (text[0] == '\0' || !g_ascii_isspace (text[strlen (text) - 1])))
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static char *
export_time (gint64 at)
{
  char *text = at != 0 ? scim_format_time (at, "%Y-%m-%d %H:%M") : NULL;

  return text != NULL ? text : g_strdup ("");
}

typedef struct
{
  const gint64 *ids;
  guint         n_ids;
  GHashTable   *lines;   /* id → CSV line */
} ExportBatch;

static gboolean
export_batch_cb (ScimTx    *tx,
                 gpointer   user_data,
                 GError   **error)
{
  ExportBatch *batch = user_data;
  g_autoptr(GString) json = g_string_new ("[");
  sqlite3_stmt *stmt;
  int rc;

  for (guint i = 0; i < batch->n_ids; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", batch->ids[i]);
  g_string_append_c (json, ']');

  stmt = _scim_store_prepare (tx->store,
                              "SELECT l.id, l.received_at, l.name, l.company, l.position, l.phone, l.email, l.tax_id, "
                              "l.source, l.channel, p.name, u.login, l.state, l.reject_reason, l.notes "
                              "FROM leads l LEFT JOIN products p ON p.id = l.product_id "
                              "LEFT JOIN users u ON u.id = l.owner_id "
                              "WHERE l.id IN (SELECT value FROM json_each(?))",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "s", json->str);
  g_hash_table_remove_all (batch->lines);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      GString *line = g_string_new (NULL);
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_autofree char *received = export_time (sqlite3_column_int64 (stmt, 1));

      g_string_append_printf (line, "%" G_GINT64_FORMAT ",", id);
      append_csv_field (line, received);
      for (int c = 2; c <= 11; c++)
        {
          g_string_append_c (line, ',');
          append_csv_field (line, (const char *) sqlite3_column_text (stmt, c));
        }
      g_string_append_c (line, ',');
      append_csv_field (line, scim_format_state ((const char *) sqlite3_column_text (stmt, 12)));
      g_string_append_c (line, ',');
      append_csv_field (line, (const char *) sqlite3_column_text (stmt, 13));
      g_string_append_c (line, ',');
      append_csv_field (line, (const char *) sqlite3_column_text (stmt, 14));
      g_string_append (line, "\r\n");
      g_hash_table_insert (batch->lines, g_memdup2 (&id, sizeof id), g_string_free (line, FALSE));
    }
  return rc == SQLITE_DONE;
}

static gboolean
write_out (GOutputStream  *out,
           GString        *text,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autoptr(GError) local = NULL;

  if (g_output_stream_write_all (out, text->str, text->len, NULL, cancellable, &local))
    return TRUE;
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED, _("Export cancelled."));
  else
    g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED,
                 _("Cannot write the exported leads: %s"), local->message);
  return FALSE;
}

/**
 * scim_store_export_leads:
 * @store: a #ScimStore
 * @query: (nullable): the leads a table shows (state, search, owner,
 *   product filters), or %NULL for all leads
 * @out: where the CSV goes; not closed
 * @cancellable: (nullable): a #GCancellable
 * @progress: (nullable) (scope call): called with the share written
 * @progress_data: data for @progress
 * @error: return location for an error
 *
 * Writes UTF-8 CSV (comma, CRLF, quotes where needed) with a header row of
 * translated column names, in the table's order, loading the leads a batch
 * at a time.  Dates are local, `YYYY-MM-DD HH:MM`; the salesperson is a
 * login.  scim_store_import_leads() reads the file back.
 *
 * Returns: %TRUE when everything was written
 */
gboolean
scim_store_export_leads (ScimStore        *store,
                         const ScimQuery  *query,
                         GOutputStream    *out,
                         GCancellable     *cancellable,
                         ScimProgressFunc  progress,
                         gpointer          progress_data,
                         GError          **error)
{
  static const ScimLeadField columns[] = {
    SCIM_LEAD_FIELD_RECEIVED, SCIM_LEAD_FIELD_NAME, SCIM_LEAD_FIELD_COMPANY, SCIM_LEAD_FIELD_POSITION,
    SCIM_LEAD_FIELD_PHONE, SCIM_LEAD_FIELD_EMAIL, SCIM_LEAD_FIELD_TAX_ID, SCIM_LEAD_FIELD_SOURCE,
    SCIM_LEAD_FIELD_CHANNEL, SCIM_LEAD_FIELD_PRODUCT, SCIM_LEAD_FIELD_OWNER,
  };
  g_autoptr(ScimQuery) all = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GHashTable) lines = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  Progress bar = { progress, progress_data, -1.0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (query == NULL || query->kind == SCIM_LIST_LEADS, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  if (query == NULL)
    query = all = scim_query_new (SCIM_LIST_LEADS);
  ids = scim_store_query_ids (store, query, cancellable, error);
  if (ids == NULL)
    return FALSE;

  append_csv_field (text, _("ID"));
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_string_append_c (text, ',');
      append_csv_field (text, scim_lead_field_get_label (columns[i]));
    }
  g_string_append_c (text, ',');
  append_csv_field (text, _("State"));
  g_string_append_c (text, ',');
  append_csv_field (text, _("Reject reason"));
  g_string_append_c (text, ',');
  append_csv_field (text, scim_lead_field_get_label (SCIM_LEAD_FIELD_NOTES));
  g_string_append (text, "\r\n");
  if (!write_out (out, text, cancellable, error))
    return FALSE;

  for (guint start = 0; start < ids->len; start += EXPORT_BATCH)
    {
      ExportBatch batch = { &g_array_index (ids, gint64, start), MIN (EXPORT_BATCH, ids->len - start), lines };

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED, _("Export cancelled."));
          return FALSE;
        }
      if (!_scim_store_read (store, export_batch_cb, &batch, error))
        return FALSE;
      g_string_truncate (text, 0);
      /* In the table's order; a lead deleted since the ids were read is left out. */
      for (guint i = 0; i < batch.n_ids; i++)
        {
          const char *line = g_hash_table_lookup (lines, &batch.ids[i]);

          if (line != NULL)
            g_string_append (text, line);
        }
      if (!write_out (out, text, cancellable, error))
        return FALSE;
      report_progress (&bar, (double) (start + batch.n_ids) / (double) ids->len);
    }
  report_progress (&bar, 1.0);
  return TRUE;
}

/* Refused rows */

/**
 * scim_import_report_count_refused_cells:
 * @report: a report of an import
 *
 * Returns: how many refused rows scim_import_report_write_refused() writes:
 *   those that could be split into cells
 */
guint
scim_import_report_count_refused_cells (const ScimImportReport *report)
{
  guint n = 0;

  g_return_val_if_fail (report != NULL, 0);
  for (guint i = 0; i < report->refused->len; i++)
    n += ((ScimImportIssue *) g_ptr_array_index (report->refused, i))->cells != NULL;
  return n;
}

/**
 * scim_import_report_write_refused:
 * @report: a report of an import, with its header
 * @out: where the CSV goes; not closed
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Writes the file's header and each refused row that could be split into
 * cells, as UTF-8 CSV (comma, CRLF), so that they can be fixed in a
 * spreadsheet and imported again.  Rows with a broken quote are not in it:
 * the report names their lines.
 *
 * Returns: %TRUE when everything was written
 */
gboolean
scim_import_report_write_refused (const ScimImportReport  *report,
                                  GOutputStream           *out,
                                  GCancellable            *cancellable,
                                  GError                 **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  for (guint c = 0; report->header != NULL && report->header[c] != NULL; c++)
    {
      if (c > 0)
        g_string_append_c (text, ',');
      append_csv_field (text, report->header[c]);
    }
  g_string_append (text, "\r\n");
  for (guint i = 0; i < report->refused->len; i++)
    {
      const ScimImportIssue *issue = g_ptr_array_index (report->refused, i);

      if (issue->cells == NULL)
        continue;
      for (guint c = 0; issue->cells[c] != NULL; c++)
        {
          if (c > 0)
            g_string_append_c (text, ',');
          append_csv_field (text, issue->cells[c]);
        }
      g_string_append (text, "\r\n");
    }
  if (!g_output_stream_write_all (out, text->str, text->len, NULL, cancellable, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error_literal (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED, _("Cancelled."));
      else
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED, _("Cannot write the refused rows: %s"),
                     local->message);
      return FALSE;
    }
  return TRUE;
}
