// faye-websocket has no types on the registry: the router's declaration serves the bench too.
/// <reference types="@draftbridge/protocol-router/faye-websocket-types" />
