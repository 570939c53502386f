// Command bootstrap is the cloudlens-chatbot function on Function Compute's custom runtime.
package main

import (
	"github.com/cloudlens/cloudlens/functions/chatbot"
	"github.com/cloudlens/cloudlens/shared/app"
)

func main() { app.Main("cloudlens-chatbot", chatbot.Function) }
