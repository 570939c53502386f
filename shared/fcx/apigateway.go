package fcx

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/logx"
)

// apiGatewayEvent is what Alibaba API Gateway sends to a function with an event backend.
type apiGatewayEvent struct {
	Path            string            `json:"path"`
	HTTPMethod      string            `json:"httpMethod"`
	Headers         map[string]string `json:"headers"`
	QueryParameters map[string]string `json:"queryParameters"`
	PathParameters  map[string]string `json:"pathParameters"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
}

// apiGatewayResponse is the answer Alibaba API Gateway expects back.
type apiGatewayResponse struct {
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	StatusCode      int               `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
}

// toProxyRequest maps Alibaba's event onto the AWS proxy shape, which aws-lambda-go-api-proxy
// knows how to turn into an *http.Request: the fields mean the same, only the names differ.
func (ev apiGatewayEvent) toProxyRequest(id string) events.APIGatewayProxyRequest {
	return events.APIGatewayProxyRequest{
		Path:                  ev.Path,
		HTTPMethod:            ev.HTTPMethod,
		Headers:               ev.Headers,
		QueryStringParameters: ev.QueryParameters,
		PathParameters:        ev.PathParameters,
		Body:                  ev.Body,
		IsBase64Encoded:       ev.IsBase64Encoded,
		RequestContext: events.APIGatewayProxyRequestContext{
			RequestID:  id,
			HTTPMethod: ev.HTTPMethod,
			Path:       ev.Path,
		},
	}
}

// serveAPIGateway runs the Handler on the request an API Gateway event describes and answers
// with the event response. The Handler's own chain logs the request (under its real method and
// path) and recovers its panics.
func (s *server) serveAPIGateway(w http.ResponseWriter, ctx context.Context, body []byte) {
	id := logx.RequestID(ctx)
	var ev apiGatewayEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		s.log.WarnContext(ctx, "API Gateway event rejected", "error", err.Error())
		failInvoke(w, ctx, errs.KindInvalid, "invalid API Gateway event")
		return
	}
	var accessor core.RequestAccessor
	req, err := accessor.EventToRequestWithContext(ctx, ev.toProxyRequest(id))
	if err != nil {
		s.log.WarnContext(ctx, "API Gateway event rejected", "error", err.Error())
		failInvoke(w, ctx, errs.KindInvalid, "invalid API Gateway event")
		return
	}
	// The proxy builds the URL from the AWS domain name, which Alibaba's event lacks;
	// handlers that look at r.Host (CORS, redirects) need the client's host instead.
	if host := headerValue(ev.Headers, "Host"); host != "" {
		req.Host = host
	}

	pw := &proxyWriter{ProxyResponseWriter: core.NewProxyResponseWriter()}
	s.o.Handler.ServeHTTP(pw, req)
	if !pw.wrote {
		// net/http answers 200 to a handler that wrote nothing; the proxy would refuse it.
		pw.WriteHeader(http.StatusOK)
	}
	resp, err := pw.GetProxyResponse()
	if err != nil {
		s.log.ErrorContext(ctx, "API Gateway response", "error", err.Error())
		failInvoke(w, ctx, errs.KindInternal, "internal error")
		return
	}
	out := apiGatewayResponse{
		IsBase64Encoded: resp.IsBase64Encoded,
		StatusCode:      resp.StatusCode,
		Headers:         flattenHeaders(resp.MultiValueHeaders),
		Body:            resp.Body,
	}
	out.Headers[httpx.HeaderRequestID] = id
	httpx.WriteJSON(w, http.StatusOK, out)
}

// flattenHeaders joins repeated values with ", " (RFC 9110 §5.3), because Alibaba's response
// carries one string per header.
func flattenHeaders(h map[string][]string) map[string]string {
	out := make(map[string]string, len(h)+1)
	for k, vs := range h {
		out[k] = strings.Join(vs, ", ")
	}
	return out
}

// proxyWriter records whether the handler answered anything, so that a handler that writes
// nothing still yields net/http's implicit 200.
type proxyWriter struct {
	*core.ProxyResponseWriter
	wrote bool
}

func (w *proxyWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	w.ProxyResponseWriter.WriteHeader(code)
}

func (w *proxyWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ProxyResponseWriter.Write(b)
}
