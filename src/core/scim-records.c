/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-records"

#include "config.h"

#include "scim-records.h"

#define FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
add_string (ScimRecordClass *klass,
            const char      *name)
{
  scim_record_class_add_field (klass, g_param_spec_string (name, NULL, NULL, "", FLAGS));
}

static void
add_int (ScimRecordClass *klass,
         const char      *name)
{
  scim_record_class_add_field (klass, g_param_spec_int64 (name, NULL, NULL, G_MININT64, G_MAXINT64, 0, FLAGS));
}

static void
add_bool (ScimRecordClass *klass,
          const char      *name)
{
  scim_record_class_add_field (klass, g_param_spec_boolean (name, NULL, NULL, FALSE, FLAGS));
}

struct _ScimUser
{
  ScimRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimUser, scim_user, SCIM_TYPE_RECORD)

static void
scim_user_class_init (ScimUserClass *klass)
{
  ScimRecordClass *record_class = SCIM_RECORD_CLASS (klass);

  add_string (record_class, "login");
  add_string (record_class, "full-name");
  add_string (record_class, "display-name");
  add_string (record_class, "email");
  add_string (record_class, "role");
  add_bool (record_class, "may-accept");
  add_bool (record_class, "active");
  add_bool (record_class, "has-password");
}

static void
scim_user_init (ScimUser *self)
{
}

struct _ScimAudience
{
  ScimRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimAudience, scim_audience, SCIM_TYPE_RECORD)

static void
scim_audience_class_init (ScimAudienceClass *klass)
{
  ScimRecordClass *record_class = SCIM_RECORD_CLASS (klass);

  add_string (record_class, "name");
  add_string (record_class, "description");
  add_int (record_class, "client-count");
}

static void
scim_audience_init (ScimAudience *self)
{
}

struct _ScimClient
{
  ScimRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimClient, scim_client, SCIM_TYPE_RECORD)

static void
scim_client_class_init (ScimClientClass *klass)
{
  ScimRecordClass *record_class = SCIM_RECORD_CLASS (klass);

  add_string (record_class, "name");
  add_string (record_class, "kind");
  add_string (record_class, "tax-id");
  add_string (record_class, "phones");
  add_string (record_class, "emails");
  add_string (record_class, "address");
  add_string (record_class, "website");
  add_int (record_class, "audience-id");
  add_string (record_class, "audience");
  add_int (record_class, "manager-id");
  add_string (record_class, "manager");
  add_bool (record_class, "is-customer");
  add_string (record_class, "notes");
  add_int (record_class, "sale-count");
}

static void
scim_client_init (ScimClient *self)
{
}

struct _ScimContact
{
  ScimRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimContact, scim_contact, SCIM_TYPE_RECORD)

static void
scim_contact_class_init (ScimContactClass *klass)
{
  ScimRecordClass *record_class = SCIM_RECORD_CLASS (klass);

  add_int (record_class, "client-id");
  add_string (record_class, "client");
  add_string (record_class, "name");
  add_string (record_class, "position");
  add_string (record_class, "phone");
  add_string (record_class, "email");
  add_string (record_class, "role");
}

static void
scim_contact_init (ScimContact *self)
{
}

struct _ScimProduct
{
  ScimRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimProduct, scim_product, SCIM_TYPE_RECORD)

static void
scim_product_class_init (ScimProductClass *klass)
{
  ScimRecordClass *record_class = SCIM_RECORD_CLASS (klass);

  add_string (record_class, "name");
  add_string (record_class, "description");
  add_int (record_class, "audience-id");
  add_string (record_class, "audience");
  add_int (record_class, "manager-id");
  add_string (record_class, "manager");
  add_bool (record_class, "active");
  add_int (record_class, "stage-count");
  add_int (record_class, "sale-count");
}

static void
scim_product_init (ScimProduct *self)
{
}

struct _ScimStage
{
  ScimRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimStage, scim_stage, SCIM_TYPE_RECORD)

static void
scim_stage_class_init (ScimStageClass *klass)
{
  ScimRecordClass *record_class = SCIM_RECORD_CLASS (klass);

  add_int (record_class, "product-id");
  add_int (record_class, "position");
  add_string (record_class, "name");
  add_string (record_class, "description");
  add_string (record_class, "kind");
  add_int (record_class, "probability");
  add_int (record_class, "stuck-days");
  add_int (record_class, "sale-count");
  add_int (record_class, "amount");
}

static void
scim_stage_init (ScimStage *self)
{
}

struct _ScimLead
{
  ScimRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimLead, scim_lead, SCIM_TYPE_RECORD)

static void
scim_lead_class_init (ScimLeadClass *klass)
{
  ScimRecordClass *record_class = SCIM_RECORD_CLASS (klass);

  add_string (record_class, "name");
  add_string (record_class, "company");
  add_string (record_class, "position");
  add_string (record_class, "phone");
  add_string (record_class, "email");
  add_string (record_class, "tax-id");
  add_string (record_class, "source");
  add_string (record_class, "channel");
  add_int (record_class, "product-id");
  add_string (record_class, "product");
  add_string (record_class, "notes");
  add_int (record_class, "received-at");
  add_string (record_class, "state");
  add_int (record_class, "decided-by");
  add_int (record_class, "decided-at");
  add_string (record_class, "reject-reason");
  add_int (record_class, "owner-id");
  add_string (record_class, "owner");
  add_int (record_class, "client-id");
  add_string (record_class, "source-id");
  add_string (record_class, "source-status");
  add_string (record_class, "source-owner");
  add_int (record_class, "duplicates");
}

static void
scim_lead_init (ScimLead *self)
{
}

struct _ScimSale
{
  ScimRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimSale, scim_sale, SCIM_TYPE_RECORD)

static void
scim_sale_class_init (ScimSaleClass *klass)
{
  ScimRecordClass *record_class = SCIM_RECORD_CLASS (klass);

  add_int (record_class, "client-id");
  add_string (record_class, "client");
  add_int (record_class, "product-id");
  add_string (record_class, "product");
  add_int (record_class, "stage-id");
  add_string (record_class, "stage");
  add_string (record_class, "stage-kind");
  add_int (record_class, "owner-id");
  add_string (record_class, "owner");
  add_int (record_class, "amount");
  add_int (record_class, "expected-close");
  add_string (record_class, "lost-reason");
  add_int (record_class, "paused-until");
  add_int (record_class, "stage-entered-at");
  add_int (record_class, "closed-at");
  add_int (record_class, "created-at");
  add_int (record_class, "open-tasks");
  add_int (record_class, "last-activity-at");
  add_string (record_class, "next-task");
  add_int (record_class, "next-due-at");
  add_bool (record_class, "next-due-has-time");
}

static void
scim_sale_init (ScimSale *self)
{
}

struct _ScimTask
{
  ScimRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimTask, scim_task, SCIM_TYPE_RECORD)

static void
scim_task_class_init (ScimTaskClass *klass)
{
  ScimRecordClass *record_class = SCIM_RECORD_CLASS (klass);

  add_int (record_class, "sale-id");
  add_string (record_class, "client");
  add_string (record_class, "product");
  add_string (record_class, "title");
  add_string (record_class, "notes");
  add_int (record_class, "owner-id");
  add_string (record_class, "owner");
  add_int (record_class, "due-at");
  add_bool (record_class, "due-has-time");
  add_int (record_class, "target-stage-id");
  add_string (record_class, "target-stage");
  add_string (record_class, "state");
  add_string (record_class, "result");
  add_int (record_class, "position");
  add_int (record_class, "closed-at");
  add_string (record_class, "sale-stage");
}

static void
scim_task_init (ScimTask *self)
{
}

struct _ScimEvent
{
  ScimRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimEvent, scim_event, SCIM_TYPE_RECORD)

static void
scim_event_class_init (ScimEventClass *klass)
{
  ScimRecordClass *record_class = SCIM_RECORD_CLASS (klass);

  add_int (record_class, "sale-id");
  add_int (record_class, "client-id");
  add_string (record_class, "client");
  add_int (record_class, "product-id");
  add_string (record_class, "product");
  add_string (record_class, "stage");
  add_string (record_class, "kind");
  add_string (record_class, "title");
  add_string (record_class, "text");
  add_int (record_class, "at");
  add_bool (record_class, "planned");
  add_int (record_class, "author-id");
  add_string (record_class, "author");
  add_int (record_class, "created-at");
  add_bool (record_class, "unread");
}

static void
scim_event_init (ScimEvent *self)
{
}
