/*
 * sqs.c -- SendMessage, ReceiveMessage, DeleteMessage, GetQueueUrl and
 * GetQueueAttributes in the SQS JSON protocol (POST / with X-Amz-Target:
 * AmazonSQS.<Action>), on the shared core: same signing, transport and retries
 * as S3.
 */
#include "aws_internal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define URL_SIZE 512
#define TARGET_HEADER_SIZE 64
/* Ten messages of 256 KiB each, with JSON escaping to spare. */
#define RESPONSE_MAX (8u << 20)
#define SQS_MAX_BATCH 10
#define SQS_MAX_WAIT_SECONDS 20

struct sqs_client {
    aws_core core;
    char url[URL_SIZE];
};

sqs_client *sqs_client_new_with_transport(const aws_config *cfg,
                                          aws_transport transport,
                                          aws_error *err) {
    sqs_client *c = aws_client_new(sizeof *c, cfg, transport, err);
    if (c == NULL)
        return NULL;
    if (c->core.endpoint != NULL)
        snprintf(c->url, sizeof c->url, "%s/", c->core.endpoint);
    else
        snprintf(c->url, sizeof c->url, "https://sqs.%s.amazonaws.com/",
                 c->core.region);
    return c;
}

sqs_client *sqs_client_new(const aws_config *cfg, aws_error *err) {
    aws_transport t;
    if (aws_transport_curl_new(&t, cfg->ca_bundle, err) != AWS_OK)
        return NULL;
    return sqs_client_new_with_transport(cfg, t, err);
}

void sqs_client_free(sqs_client *client) {
    aws_client_free(client != NULL ? &client->core : NULL);
}

void sqs_client_set_deadline(sqs_client *client, int64_t deadline_ms) {
    client->core.deadline_ms = deadline_ms;
}

/* {"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"..."}; the
 * x-amzn-query-error header carries the legacy code when there is no
 * JSON body. */
static void sqs_parse_error(const char *body, size_t len,
                            const char *query_error, char *code,
                            size_t code_size, char *message,
                            size_t message_size) {
    cJSON *doc = cJSON_ParseWithLength(body, len);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(doc, "__type");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(doc, "message");
    if (msg == NULL)
        msg = cJSON_GetObjectItemCaseSensitive(doc, "Message");
    if (cJSON_IsString(type)) {
        const char *hash = strrchr(type->valuestring, '#');
        snprintf(code, code_size, "%s",
                 hash != NULL ? hash + 1 : type->valuestring);
    } else if (*query_error) {
        snprintf(code, code_size, "%.*s", (int)strcspn(query_error, ";"),
                 query_error);
    }
    if (cJSON_IsString(msg))
        snprintf(message, message_size, "%s", msg->valuestring);
    cJSON_Delete(doc);
    /* Failures before the protocol is chosen (signature checks) may come
     * as an XML ErrorResponse, as in the query protocol. */
    if (!*code)
        aws_xml_find(body, len, "Code", code, code_size);
    if (!*message)
        aws_xml_find(body, len, "Message", message, message_size);
}

/* Sends request (consumed) as action; on success *response is the parsed
 * reply (cJSON_Delete it). */
static aws_status call_action(sqs_client *c, const char *action,
                              const char *queue_url, cJSON *request,
                              cJSON **response, aws_error *err) {
    *response = NULL;
    char *payload = request != NULL ? cJSON_PrintUnformatted(request) : NULL;
    cJSON_Delete(request);
    if (payload == NULL)
        return aws_fail(err, AWS_ERR_NOMEM, "%s %s: out of memory", action,
                        queue_url);
    char target[TARGET_HEADER_SIZE];
    snprintf(target, sizeof target, "AmazonSQS.%s", action);
    aws_call call;
    memset(&call, 0, sizeof call);
    call.op = action;
    call.target = queue_url;
    call.req.method = "POST";
    call.req.url = c->url;
    call.req.body = payload;
    call.req.body_len = strlen(payload);
    call.req.headers[0] =
        (aws_header){"Content-Type", "application/x-amz-json-1.0"};
    call.req.headers[1] = (aws_header){"X-Amz-Target", target};
    call.req.header_count = 2;
    call.parse_error = sqs_parse_error;
    aws_body b = {NULL, 0, 0, RESPONSE_MAX, &call};
    call.sink = (aws_http_sink){&b, NULL, aws_body_data};
    call.reset = aws_body_reset;
    aws_status st = aws_core_send(&c->core, &call, NULL, err);
    free(payload);
    if (st == AWS_OK) {
        *response =
            cJSON_ParseWithLength(b.data ? b.data : "{}", b.data ? b.len : 2);
        if (*response == NULL)
            st = aws_fail(err, AWS_ERR_PROTOCOL, "%s %s: reply is not JSON",
                          action, queue_url);
    }
    aws_body_reset(&b);
    return st;
}

static cJSON *new_request(const char *queue_url) {
    cJSON *req = cJSON_CreateObject();
    if (req != NULL && queue_url != NULL &&
        cJSON_AddStringToObject(req, "QueueUrl", queue_url) == NULL) {
        cJSON_Delete(req);
        return NULL;
    }
    return req;
}

aws_status sqs_get_queue_url(sqs_client *client, const char *queue_name,
                             char **url, aws_error *err) {
    *url = NULL;
    cJSON *req = new_request(NULL);
    if (req != NULL &&
        cJSON_AddStringToObject(req, "QueueName", queue_name) == NULL) {
        cJSON_Delete(req);
        req = NULL;
    }
    cJSON *resp;
    aws_status st =
        call_action(client, "GetQueueUrl", queue_name, req, &resp, err);
    if (st != AWS_OK)
        return st;
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(resp, "QueueUrl");
    if (!cJSON_IsString(u))
        st = aws_fail(err, AWS_ERR_PROTOCOL, "GetQueueUrl %s: no QueueUrl",
                      queue_name);
    else if ((*url = strdup(u->valuestring)) == NULL)
        st = aws_fail(err, AWS_ERR_NOMEM, "GetQueueUrl: out of memory");
    cJSON_Delete(resp);
    return st;
}

aws_status sqs_send_message(sqs_client *client, const char *queue_url,
                            const char *body, char *message_id,
                            aws_error *err) {
    if (queue_url == NULL || body == NULL || !*body)
        return aws_fail(err, AWS_ERR_ARG,
                        "SendMessage: queue URL and a non-empty body needed");
    cJSON *req = new_request(queue_url);
    if (req != NULL &&
        cJSON_AddStringToObject(req, "MessageBody", body) == NULL) {
        cJSON_Delete(req);
        req = NULL;
    }
    cJSON *resp;
    aws_status st =
        call_action(client, "SendMessage", queue_url, req, &resp, err);
    if (st != AWS_OK)
        return st;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(resp, "MessageId");
    if (!cJSON_IsString(id))
        st = aws_fail(err, AWS_ERR_PROTOCOL, "SendMessage %s: no MessageId",
                      queue_url);
    else if (message_id != NULL)
        snprintf(message_id, SQS_MESSAGE_ID_SIZE, "%s", id->valuestring);
    cJSON_Delete(resp);
    return st;
}

static char *dup_string(const cJSON *item) {
    return cJSON_IsString(item) ? strdup(item->valuestring) : NULL;
}

aws_status sqs_receive_messages(sqs_client *client, const char *queue_url,
                                int max_messages, int wait_seconds,
                                int visibility_timeout, sqs_message **messages,
                                size_t *count, aws_error *err) {
    *messages = NULL;
    *count = 0;
    if (queue_url == NULL || max_messages < 1 || max_messages > SQS_MAX_BATCH ||
        wait_seconds < 0 || wait_seconds > SQS_MAX_WAIT_SECONDS)
        return aws_fail(err, AWS_ERR_ARG,
                        "ReceiveMessage: 1..10 messages, 0..20 s wait");
    cJSON *req = new_request(queue_url);
    cJSON *names = cJSON_CreateStringArray(
        (const char *const[]){"ApproximateReceiveCount"}, 1);
    cJSON *names2 = cJSON_Duplicate(names, 1);
    bool ok =
        req != NULL && names != NULL && names2 != NULL &&
        cJSON_AddNumberToObject(req, "MaxNumberOfMessages", max_messages) !=
            NULL &&
        cJSON_AddNumberToObject(req, "WaitTimeSeconds", wait_seconds) != NULL &&
        (visibility_timeout < 0 ||
         cJSON_AddNumberToObject(req, "VisibilityTimeout",
                                 visibility_timeout) != NULL);
    /* Both names: older servers know AttributeNames only. */
    if (ok) {
        cJSON_AddItemToObject(req, "AttributeNames", names);
        cJSON_AddItemToObject(req, "MessageSystemAttributeNames", names2);
    } else {
        cJSON_Delete(names);
        cJSON_Delete(names2);
        cJSON_Delete(req);
        req = NULL;
    }
    cJSON *resp;
    aws_status st =
        call_action(client, "ReceiveMessage", queue_url, req, &resp, err);
    if (st != AWS_OK)
        return st;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(resp, "Messages");
    int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
    if (n > 0 && (*messages = calloc((size_t)n, sizeof **messages)) == NULL)
        st = aws_fail(err, AWS_ERR_NOMEM, "ReceiveMessage: out of memory");
    for (int i = 0; i < n && st == AWS_OK && *messages != NULL; i++) {
        const cJSON *m = cJSON_GetArrayItem(list, i);
        sqs_message *out = &(*messages)[i];
        *count = (size_t)i + 1;
        out->message_id =
            dup_string(cJSON_GetObjectItemCaseSensitive(m, "MessageId"));
        out->receipt_handle =
            dup_string(cJSON_GetObjectItemCaseSensitive(m, "ReceiptHandle"));
        out->body = dup_string(cJSON_GetObjectItemCaseSensitive(m, "Body"));
        const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(m, "Attributes");
        const cJSON *rc =
            cJSON_GetObjectItemCaseSensitive(attrs, "ApproximateReceiveCount");
        if (cJSON_IsString(rc))
            out->receive_count = (int)strtol(rc->valuestring, NULL, 10);
        if (out->message_id == NULL || out->receipt_handle == NULL ||
            out->body == NULL)
            st = aws_fail(err, AWS_ERR_PROTOCOL,
                          "ReceiveMessage %s: message without id, receipt "
                          "handle or body",
                          queue_url);
    }
    cJSON_Delete(resp);
    if (st != AWS_OK) {
        sqs_messages_free(*messages, *count);
        *messages = NULL;
        *count = 0;
    }
    return st;
}

void sqs_messages_free(sqs_message *messages, size_t count) {
    for (size_t i = 0; messages != NULL && i < count; i++) {
        free(messages[i].message_id);
        free(messages[i].receipt_handle);
        free(messages[i].body);
    }
    free(messages);
}

aws_status sqs_delete_message(sqs_client *client, const char *queue_url,
                              const char *receipt_handle, aws_error *err) {
    if (queue_url == NULL || receipt_handle == NULL)
        return aws_fail(err, AWS_ERR_ARG,
                        "DeleteMessage: queue URL and receipt handle needed");
    cJSON *req = new_request(queue_url);
    if (req != NULL &&
        cJSON_AddStringToObject(req, "ReceiptHandle", receipt_handle) == NULL) {
        cJSON_Delete(req);
        req = NULL;
    }
    cJSON *resp;
    aws_status st =
        call_action(client, "DeleteMessage", queue_url, req, &resp, err);
    cJSON_Delete(resp);
    return st;
}

/* An attribute's value, a decimal string in the reply; -1 if absent. */
static long count_attribute(const cJSON *attrs, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(attrs, name);
    return cJSON_IsString(v) ? strtol(v->valuestring, NULL, 10) : -1;
}

aws_status sqs_queue_counts(sqs_client *client, const char *queue_url,
                            long *visible, long *in_flight, aws_error *err) {
    *visible = *in_flight = 0;
    if (queue_url == NULL)
        return aws_fail(err, AWS_ERR_ARG,
                        "GetQueueAttributes: queue URL needed");
    static const char *const names[] = {
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"};
    cJSON *req = new_request(queue_url);
    cJSON *list = cJSON_CreateStringArray(names, 2);
    if (req == NULL || list == NULL) {
        cJSON_Delete(list);
        cJSON_Delete(req);
        req = NULL;
    } else {
        cJSON_AddItemToObject(req, "AttributeNames", list);
    }
    cJSON *resp;
    aws_status st =
        call_action(client, "GetQueueAttributes", queue_url, req, &resp, err);
    if (st != AWS_OK)
        return st;
    const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(resp, "Attributes");
    *visible = count_attribute(attrs, names[0]);
    *in_flight = count_attribute(attrs, names[1]);
    if (*visible < 0 || *in_flight < 0)
        st = aws_fail(err, AWS_ERR_PROTOCOL,
                      "GetQueueAttributes %s: no message counts", queue_url);
    cJSON_Delete(resp);
    return st;
}
