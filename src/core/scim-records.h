/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-record.h"

G_BEGIN_DECLS

/* The store's rows as objects.  Each property is a column of the store's
 * list query of that entity (see scim-store-query.c). */

#define SCIM_TYPE_USER (scim_user_get_type ())
G_DECLARE_FINAL_TYPE (ScimUser, scim_user, SCIM, USER, ScimRecord)

#define SCIM_TYPE_AUDIENCE (scim_audience_get_type ())
G_DECLARE_FINAL_TYPE (ScimAudience, scim_audience, SCIM, AUDIENCE, ScimRecord)

#define SCIM_TYPE_CLIENT (scim_client_get_type ())
G_DECLARE_FINAL_TYPE (ScimClient, scim_client, SCIM, CLIENT, ScimRecord)

#define SCIM_TYPE_CONTACT (scim_contact_get_type ())
G_DECLARE_FINAL_TYPE (ScimContact, scim_contact, SCIM, CONTACT, ScimRecord)

#define SCIM_TYPE_PRODUCT (scim_product_get_type ())
G_DECLARE_FINAL_TYPE (ScimProduct, scim_product, SCIM, PRODUCT, ScimRecord)

#define SCIM_TYPE_STAGE (scim_stage_get_type ())
G_DECLARE_FINAL_TYPE (ScimStage, scim_stage, SCIM, STAGE, ScimRecord)

#define SCIM_TYPE_LEAD (scim_lead_get_type ())
G_DECLARE_FINAL_TYPE (ScimLead, scim_lead, SCIM, LEAD, ScimRecord)

#define SCIM_TYPE_SALE (scim_sale_get_type ())
G_DECLARE_FINAL_TYPE (ScimSale, scim_sale, SCIM, SALE, ScimRecord)

#define SCIM_TYPE_TASK (scim_task_get_type ())
G_DECLARE_FINAL_TYPE (ScimTask, scim_task, SCIM, TASK, ScimRecord)

#define SCIM_TYPE_EVENT (scim_event_get_type ())
G_DECLARE_FINAL_TYPE (ScimEvent, scim_event, SCIM, EVENT, ScimRecord)

G_END_DECLS
