module github.com/deepq-go/deepq

go 1.26
